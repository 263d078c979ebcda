// Original file: libs/contracts/src/grpc/order.proto

import type {
  OrderItemInput as _order_OrderItemInput,
  OrderItemInput__Output as _order_OrderItemInput__Output,
} from '../order/OrderItemInput';

export interface CreateOrderRequest {
  userId?: string;
  items?: _order_OrderItemInput[];
  idempotencyKey?: string;
  _idempotencyKey?: 'idempotencyKey';
}

export interface CreateOrderRequest__Output {
  userId: string;
  items: _order_OrderItemInput__Output[];
  idempotencyKey?: string;
}
