import { IdRequest } from '../rpc/id.request';
import { PingResponse, RpcClient } from '../rpc/rpc-client';
import { ORDER_EVENTS, ORDER_PATTERNS } from './order.patterns';
import {
  CreateOrderMessage,
  CreateOrderRequest,
  ListUserOrdersQuery,
  ListUserOrdersRequest,
  ORDER_PAGE_LIMIT,
  OrderCreatedEvent,
  OrderList,
  OrderPage,
  OrderView,
} from './order.types';

/** Typed calls to the order service. */
export class OrdersClient {
  constructor(private readonly rpc: RpcClient) {}

  /** Creates the order; with an idempotency key, a retry of the same order returns the order created first. */
  create(request: CreateOrderRequest, idempotencyKey?: string): Promise<OrderView> {
    const message: CreateOrderMessage = idempotencyKey === undefined ? request : { ...request, idempotencyKey };
    return this.rpc.send(ORDER_PATTERNS.create, message);
  }

  get(id: string): Promise<OrderView> {
    return this.rpc.send(ORDER_PATTERNS.get, { id } satisfies IdRequest);
  }

  /** One page of the user's orders, newest first; `limit` defaults to ORDER_PAGE_LIMIT.default. */
  async listByUser(userId: string, { limit, cursor }: ListUserOrdersQuery = {}): Promise<OrderPage> {
    const request: ListUserOrdersRequest = { userId, limit: limit ?? ORDER_PAGE_LIMIT.default };
    if (cursor !== undefined) request.cursor = cursor;
    const { orders, nextCursor } = await this.rpc.send<OrderList>(ORDER_PATTERNS.listByUser, request);
    return { orders, nextCursor: nextCursor ?? null };
  }

  ping(): Promise<PingResponse> {
    return this.rpc.send(ORDER_PATTERNS.ping, {});
  }
}

/** Publishes the order service's events. */
export class OrderEventsPublisher {
  constructor(private readonly rpc: RpcClient) {}

  created(event: OrderCreatedEvent): Promise<void> {
    return this.rpc.emit(ORDER_EVENTS.created, event);
  }
}
