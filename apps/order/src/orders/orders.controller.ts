import { CreateOrderRequest, IdRequest, ListUserOrdersRequest, ORDER_PATTERNS, OrderView } from '@app/contracts';
import { RpcController } from '@app/transport';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { OrdersService } from './orders.service';

@RpcController()
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @MessagePattern(ORDER_PATTERNS.create)
  create(@Payload() request: CreateOrderRequest): Promise<OrderView> {
    return this.orders.create(request);
  }

  @MessagePattern(ORDER_PATTERNS.get)
  get(@Payload() { id }: IdRequest): Promise<OrderView> {
    return this.orders.get(id);
  }

  @MessagePattern(ORDER_PATTERNS.listByUser)
  listByUser(@Payload() { userId }: ListUserOrdersRequest): Promise<OrderView[]> {
    return this.orders.listByUser(userId);
  }
}
