import {
  CreateOrderMessage,
  IdRequest,
  ListUserOrdersRequest,
  ORDER_PATTERNS,
  OrderList,
  OrderView,
  PingResponse,
} from '@app/contracts';
import { RpcController } from '@app/transport';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { OrdersService } from './orders.service';

@RpcController()
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @MessagePattern(ORDER_PATTERNS.create)
  create(@Payload() message: CreateOrderMessage): Promise<OrderView> {
    return this.orders.create(message);
  }

  @MessagePattern(ORDER_PATTERNS.get)
  get(@Payload() { id }: IdRequest): Promise<OrderView> {
    return this.orders.get(id);
  }

  @MessagePattern(ORDER_PATTERNS.listByUser)
  listByUser(@Payload() request: ListUserOrdersRequest): Promise<OrderList> {
    return this.orders.listByUser(request);
  }

  @MessagePattern(ORDER_PATTERNS.ping)
  ping(): PingResponse {
    return { ok: true };
  }
}
