import { CreateUserRequest, ListUserOrdersQuery, OrderPage, OrdersClient, UserView, UsersClient } from '@app/contracts';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorBody } from '../errors/error-body';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(
    private readonly users: UsersClient,
    private readonly orders: OrdersClient,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: UserView })
  @ApiBadRequestResponse({ type: ErrorBody })
  @ApiConflictResponse({ type: ErrorBody, description: 'The email is already registered' })
  create(@Body() body: CreateUserRequest): Promise<UserView> {
    return this.users.create(body);
  }

  @Get(':id')
  @ApiOkResponse({ type: UserView })
  @ApiNotFoundResponse({ type: ErrorBody })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<UserView> {
    return this.users.get(id);
  }

  @Get(':id/orders')
  @ApiOkResponse({ type: OrderPage, description: 'A page of the orders, newest first' })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'A malformed id, limit or cursor' })
  @ApiNotFoundResponse({ type: ErrorBody })
  async listOrders(@Param('id', ParseUUIDPipe) id: string, @Query() page: ListUserOrdersQuery): Promise<OrderPage> {
    await this.users.get(id);
    return this.orders.listByUser(id, page);
  }
}
