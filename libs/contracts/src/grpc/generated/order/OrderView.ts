// Original file: libs/contracts/src/grpc/order.proto

import type {
  OrderItemInput as _order_OrderItemInput,
  OrderItemInput__Output as _order_OrderItemInput__Output,
} from '../order/OrderItemInput';

export interface OrderView {
  id?: string;
  userId?: string;
  status?: string;
  totalCents?: number;
  items?: _order_OrderItemInput[];
  createdAt?: string;
}

export interface OrderView__Output {
  id: string;
  userId: string;
  status: string;
  totalCents: number;
  items: _order_OrderItemInput__Output[];
  createdAt: string;
}
