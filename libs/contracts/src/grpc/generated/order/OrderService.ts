// Original file: libs/contracts/src/grpc/order.proto

import type * as grpc from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import type {
  CreateOrderRequest as _order_CreateOrderRequest,
  CreateOrderRequest__Output as _order_CreateOrderRequest__Output,
} from '../order/CreateOrderRequest';
import type { Empty as _order_Empty, Empty__Output as _order_Empty__Output } from '../order/Empty';
import type { IdRequest as _order_IdRequest, IdRequest__Output as _order_IdRequest__Output } from '../order/IdRequest';
import type {
  ListUserOrdersRequest as _order_ListUserOrdersRequest,
  ListUserOrdersRequest__Output as _order_ListUserOrdersRequest__Output,
} from '../order/ListUserOrdersRequest';
import type { OrderList as _order_OrderList, OrderList__Output as _order_OrderList__Output } from '../order/OrderList';
import type { OrderView as _order_OrderView, OrderView__Output as _order_OrderView__Output } from '../order/OrderView';
import type {
  PingResponse as _order_PingResponse,
  PingResponse__Output as _order_PingResponse__Output,
} from '../order/PingResponse';

export interface OrderServiceClient extends grpc.Client {
  Create(
    argument: _order_CreateOrderRequest,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_order_OrderView__Output>,
  ): grpc.ClientUnaryCall;
  Create(
    argument: _order_CreateOrderRequest,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_order_OrderView__Output>,
  ): grpc.ClientUnaryCall;
  Create(
    argument: _order_CreateOrderRequest,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_order_OrderView__Output>,
  ): grpc.ClientUnaryCall;
  Create(
    argument: _order_CreateOrderRequest,
    callback: grpc.requestCallback<_order_OrderView__Output>,
  ): grpc.ClientUnaryCall;
  create(
    argument: _order_CreateOrderRequest,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_order_OrderView__Output>,
  ): grpc.ClientUnaryCall;
  create(
    argument: _order_CreateOrderRequest,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_order_OrderView__Output>,
  ): grpc.ClientUnaryCall;
  create(
    argument: _order_CreateOrderRequest,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_order_OrderView__Output>,
  ): grpc.ClientUnaryCall;
  create(
    argument: _order_CreateOrderRequest,
    callback: grpc.requestCallback<_order_OrderView__Output>,
  ): grpc.ClientUnaryCall;

  Get(
    argument: _order_IdRequest,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_order_OrderView__Output>,
  ): grpc.ClientUnaryCall;
  Get(
    argument: _order_IdRequest,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_order_OrderView__Output>,
  ): grpc.ClientUnaryCall;
  Get(
    argument: _order_IdRequest,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_order_OrderView__Output>,
  ): grpc.ClientUnaryCall;
  Get(argument: _order_IdRequest, callback: grpc.requestCallback<_order_OrderView__Output>): grpc.ClientUnaryCall;
  get(
    argument: _order_IdRequest,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_order_OrderView__Output>,
  ): grpc.ClientUnaryCall;
  get(
    argument: _order_IdRequest,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_order_OrderView__Output>,
  ): grpc.ClientUnaryCall;
  get(
    argument: _order_IdRequest,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_order_OrderView__Output>,
  ): grpc.ClientUnaryCall;
  get(argument: _order_IdRequest, callback: grpc.requestCallback<_order_OrderView__Output>): grpc.ClientUnaryCall;

  ListByUser(
    argument: _order_ListUserOrdersRequest,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_order_OrderList__Output>,
  ): grpc.ClientUnaryCall;
  ListByUser(
    argument: _order_ListUserOrdersRequest,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_order_OrderList__Output>,
  ): grpc.ClientUnaryCall;
  ListByUser(
    argument: _order_ListUserOrdersRequest,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_order_OrderList__Output>,
  ): grpc.ClientUnaryCall;
  ListByUser(
    argument: _order_ListUserOrdersRequest,
    callback: grpc.requestCallback<_order_OrderList__Output>,
  ): grpc.ClientUnaryCall;
  listByUser(
    argument: _order_ListUserOrdersRequest,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_order_OrderList__Output>,
  ): grpc.ClientUnaryCall;
  listByUser(
    argument: _order_ListUserOrdersRequest,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_order_OrderList__Output>,
  ): grpc.ClientUnaryCall;
  listByUser(
    argument: _order_ListUserOrdersRequest,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_order_OrderList__Output>,
  ): grpc.ClientUnaryCall;
  listByUser(
    argument: _order_ListUserOrdersRequest,
    callback: grpc.requestCallback<_order_OrderList__Output>,
  ): grpc.ClientUnaryCall;

  Ping(
    argument: _order_Empty,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_order_PingResponse__Output>,
  ): grpc.ClientUnaryCall;
  Ping(
    argument: _order_Empty,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_order_PingResponse__Output>,
  ): grpc.ClientUnaryCall;
  Ping(
    argument: _order_Empty,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_order_PingResponse__Output>,
  ): grpc.ClientUnaryCall;
  Ping(argument: _order_Empty, callback: grpc.requestCallback<_order_PingResponse__Output>): grpc.ClientUnaryCall;
  ping(
    argument: _order_Empty,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_order_PingResponse__Output>,
  ): grpc.ClientUnaryCall;
  ping(
    argument: _order_Empty,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_order_PingResponse__Output>,
  ): grpc.ClientUnaryCall;
  ping(
    argument: _order_Empty,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_order_PingResponse__Output>,
  ): grpc.ClientUnaryCall;
  ping(argument: _order_Empty, callback: grpc.requestCallback<_order_PingResponse__Output>): grpc.ClientUnaryCall;
}

export interface OrderServiceHandlers extends grpc.UntypedServiceImplementation {
  Create: grpc.handleUnaryCall<_order_CreateOrderRequest__Output, _order_OrderView>;

  Get: grpc.handleUnaryCall<_order_IdRequest__Output, _order_OrderView>;

  ListByUser: grpc.handleUnaryCall<_order_ListUserOrdersRequest__Output, _order_OrderList>;

  Ping: grpc.handleUnaryCall<_order_Empty__Output, _order_PingResponse>;
}

export interface OrderServiceDefinition extends grpc.ServiceDefinition {
  Create: MethodDefinition<
    _order_CreateOrderRequest,
    _order_OrderView,
    _order_CreateOrderRequest__Output,
    _order_OrderView__Output
  >;
  Get: MethodDefinition<_order_IdRequest, _order_OrderView, _order_IdRequest__Output, _order_OrderView__Output>;
  ListByUser: MethodDefinition<
    _order_ListUserOrdersRequest,
    _order_OrderList,
    _order_ListUserOrdersRequest__Output,
    _order_OrderList__Output
  >;
  Ping: MethodDefinition<_order_Empty, _order_PingResponse, _order_Empty__Output, _order_PingResponse__Output>;
}
