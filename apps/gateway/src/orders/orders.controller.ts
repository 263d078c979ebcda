import { CreateOrderRequest, IDEMPOTENCY_KEY_PATTERN, OrderView, OrdersClient } from '@app/contracts';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ErrorBody } from '../errors/error-body';
import { IDEMPOTENCY_KEY_HEADER, IdempotencyKey } from './idempotency-key';

@ApiTags('orders')
@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersClient) {}

  @Post()
  @HttpCode(201)
  @ApiHeader({
    name: IDEMPOTENCY_KEY_HEADER,
    required: false,
    description:
      'Makes retries safe: a request with the same key and the same body as an earlier one (of the same user) ' +
      'returns the order created first, with 201, even when the requests arrive concurrently. ' +
      'The same key with a different body is refused with 409.',
    schema: { type: 'string', minLength: 1, maxLength: 255, pattern: IDEMPOTENCY_KEY_PATTERN.source },
  })
  @ApiCreatedResponse({ type: OrderView, description: 'The order, or the one created first with this Idempotency-Key' })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'An invalid body or Idempotency-Key' })
  @ApiConflictResponse({ type: ErrorBody, description: 'The Idempotency-Key was used for a different order' })
  @ApiUnprocessableEntityResponse({ type: ErrorBody, description: 'The user does not exist' })
  create(@Body() body: CreateOrderRequest, @IdempotencyKey() idempotencyKey?: string): Promise<OrderView> {
    return this.orders.create(body, idempotencyKey);
  }

  @Get(':id')
  @ApiOkResponse({ type: OrderView })
  @ApiNotFoundResponse({ type: ErrorBody })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<OrderView> {
    return this.orders.get(id);
  }
}
