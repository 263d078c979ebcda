// Original file: libs/contracts/src/grpc/order.proto

import type { OrderView as _order_OrderView, OrderView__Output as _order_OrderView__Output } from '../order/OrderView';

export interface OrderList {
  orders?: _order_OrderView[];
  nextCursor?: string;
  _nextCursor?: 'nextCursor';
}

export interface OrderList__Output {
  orders: _order_OrderView__Output[];
  nextCursor?: string;
}
