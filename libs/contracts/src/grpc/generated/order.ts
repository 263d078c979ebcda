import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type {
  CreateOrderRequest as _order_CreateOrderRequest,
  CreateOrderRequest__Output as _order_CreateOrderRequest__Output,
} from './order/CreateOrderRequest';
import type { Empty as _order_Empty, Empty__Output as _order_Empty__Output } from './order/Empty';
import type { IdRequest as _order_IdRequest, IdRequest__Output as _order_IdRequest__Output } from './order/IdRequest';
import type {
  ListUserOrdersRequest as _order_ListUserOrdersRequest,
  ListUserOrdersRequest__Output as _order_ListUserOrdersRequest__Output,
} from './order/ListUserOrdersRequest';
import type {
  OrderItemInput as _order_OrderItemInput,
  OrderItemInput__Output as _order_OrderItemInput__Output,
} from './order/OrderItemInput';
import type { OrderList as _order_OrderList, OrderList__Output as _order_OrderList__Output } from './order/OrderList';
import type {
  OrderServiceClient as _order_OrderServiceClient,
  OrderServiceDefinition as _order_OrderServiceDefinition,
} from './order/OrderService';
import type { OrderView as _order_OrderView, OrderView__Output as _order_OrderView__Output } from './order/OrderView';
import type {
  PingResponse as _order_PingResponse,
  PingResponse__Output as _order_PingResponse__Output,
} from './order/PingResponse';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new (...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  order: {
    CreateOrderRequest: MessageTypeDefinition<_order_CreateOrderRequest, _order_CreateOrderRequest__Output>;
    Empty: MessageTypeDefinition<_order_Empty, _order_Empty__Output>;
    IdRequest: MessageTypeDefinition<_order_IdRequest, _order_IdRequest__Output>;
    ListUserOrdersRequest: MessageTypeDefinition<_order_ListUserOrdersRequest, _order_ListUserOrdersRequest__Output>;
    OrderItemInput: MessageTypeDefinition<_order_OrderItemInput, _order_OrderItemInput__Output>;
    OrderList: MessageTypeDefinition<_order_OrderList, _order_OrderList__Output>;
    OrderService: SubtypeConstructor<typeof grpc.Client, _order_OrderServiceClient> & {
      service: _order_OrderServiceDefinition;
    };
    OrderView: MessageTypeDefinition<_order_OrderView, _order_OrderView__Output>;
    PingResponse: MessageTypeDefinition<_order_PingResponse, _order_PingResponse__Output>;
  };
}
