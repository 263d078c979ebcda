import { IdRequest } from '../rpc/id.request';
import { PingResponse, RpcClient } from '../rpc/rpc-client';
import { ORDER_EVENTS, ORDER_PATTERNS } from './order.patterns';
import { CreateOrderRequest, ListUserOrdersRequest, OrderCreatedEvent, OrderList, OrderView } from './order.types';

/** Typed calls to the order service. */
export class OrdersClient {
  constructor(private readonly rpc: RpcClient) {}

  create(request: CreateOrderRequest): Promise<OrderView> {
    return this.rpc.send(ORDER_PATTERNS.create, request);
  }

  get(id: string): Promise<OrderView> {
    return this.rpc.send(ORDER_PATTERNS.get, { id } satisfies IdRequest);
  }

  async listByUser(userId: string): Promise<OrderView[]> {
    const { orders } = await this.rpc.send<OrderList>(ORDER_PATTERNS.listByUser, {
      userId,
    } satisfies ListUserOrdersRequest);
    return orders;
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
