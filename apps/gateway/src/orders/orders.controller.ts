import { CreateOrderRequest, OrderView, OrdersClient } from '@app/contracts';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { ErrorBody } from '../errors/error-body';

@ApiTags('orders')
@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersClient) {}

  @Post()
  @HttpCode(201)
  @ApiBadRequestResponse({ type: ErrorBody })
  @ApiUnprocessableEntityResponse({ type: ErrorBody, description: 'The user does not exist' })
  create(@Body() body: CreateOrderRequest): Promise<OrderView> {
    return this.orders.create(body);
  }

  @Get(':id')
  @ApiNotFoundResponse({ type: ErrorBody })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<OrderView> {
    return this.orders.get(id);
  }
}
