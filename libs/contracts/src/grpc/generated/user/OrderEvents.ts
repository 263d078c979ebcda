// Original file: libs/contracts/src/grpc/user.proto

import type * as grpc from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import type { Empty as _user_Empty, Empty__Output as _user_Empty__Output } from '../user/Empty';
import type {
  OrderCreatedEvent as _user_OrderCreatedEvent,
  OrderCreatedEvent__Output as _user_OrderCreatedEvent__Output,
} from '../user/OrderCreatedEvent';

export interface OrderEventsClient extends grpc.Client {
  Created(
    argument: _user_OrderCreatedEvent,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_user_Empty__Output>,
  ): grpc.ClientUnaryCall;
  Created(
    argument: _user_OrderCreatedEvent,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_user_Empty__Output>,
  ): grpc.ClientUnaryCall;
  Created(
    argument: _user_OrderCreatedEvent,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_user_Empty__Output>,
  ): grpc.ClientUnaryCall;
  Created(argument: _user_OrderCreatedEvent, callback: grpc.requestCallback<_user_Empty__Output>): grpc.ClientUnaryCall;
  created(
    argument: _user_OrderCreatedEvent,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_user_Empty__Output>,
  ): grpc.ClientUnaryCall;
  created(
    argument: _user_OrderCreatedEvent,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_user_Empty__Output>,
  ): grpc.ClientUnaryCall;
  created(
    argument: _user_OrderCreatedEvent,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_user_Empty__Output>,
  ): grpc.ClientUnaryCall;
  created(argument: _user_OrderCreatedEvent, callback: grpc.requestCallback<_user_Empty__Output>): grpc.ClientUnaryCall;
}

export interface OrderEventsHandlers extends grpc.UntypedServiceImplementation {
  Created: grpc.handleUnaryCall<_user_OrderCreatedEvent__Output, _user_Empty>;
}

export interface OrderEventsDefinition extends grpc.ServiceDefinition {
  Created: MethodDefinition<_user_OrderCreatedEvent, _user_Empty, _user_OrderCreatedEvent__Output, _user_Empty__Output>;
}
