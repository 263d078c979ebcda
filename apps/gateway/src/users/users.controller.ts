import { CreateUserRequest, OrderView, OrdersClient, UserView, UsersClient } from '@app/contracts';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
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
  @ApiBadRequestResponse({ type: ErrorBody })
  @ApiConflictResponse({ type: ErrorBody, description: 'The email is already registered' })
  create(@Body() body: CreateUserRequest): Promise<UserView> {
    return this.users.create(body);
  }

  @Get(':id')
  @ApiNotFoundResponse({ type: ErrorBody })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<UserView> {
    return this.users.get(id);
  }

  @Get(':id/orders')
  @ApiNotFoundResponse({ type: ErrorBody })
  async listOrders(@Param('id', ParseUUIDPipe) id: string): Promise<OrderView[]> {
    await this.users.get(id);
    return this.orders.listByUser(id);
  }
}
