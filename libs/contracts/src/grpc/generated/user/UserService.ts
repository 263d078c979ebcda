// Original file: libs/contracts/src/grpc/user.proto

import type * as grpc from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import type {
  CreateUserRequest as _user_CreateUserRequest,
  CreateUserRequest__Output as _user_CreateUserRequest__Output,
} from '../user/CreateUserRequest';
import type { Empty as _user_Empty, Empty__Output as _user_Empty__Output } from '../user/Empty';
import type { IdRequest as _user_IdRequest, IdRequest__Output as _user_IdRequest__Output } from '../user/IdRequest';
import type {
  PingResponse as _user_PingResponse,
  PingResponse__Output as _user_PingResponse__Output,
} from '../user/PingResponse';
import type {
  UserExistsResponse as _user_UserExistsResponse,
  UserExistsResponse__Output as _user_UserExistsResponse__Output,
} from '../user/UserExistsResponse';
import type { UserView as _user_UserView, UserView__Output as _user_UserView__Output } from '../user/UserView';

export interface UserServiceClient extends grpc.Client {
  Create(
    argument: _user_CreateUserRequest,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_user_UserView__Output>,
  ): grpc.ClientUnaryCall;
  Create(
    argument: _user_CreateUserRequest,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_user_UserView__Output>,
  ): grpc.ClientUnaryCall;
  Create(
    argument: _user_CreateUserRequest,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_user_UserView__Output>,
  ): grpc.ClientUnaryCall;
  Create(
    argument: _user_CreateUserRequest,
    callback: grpc.requestCallback<_user_UserView__Output>,
  ): grpc.ClientUnaryCall;
  create(
    argument: _user_CreateUserRequest,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_user_UserView__Output>,
  ): grpc.ClientUnaryCall;
  create(
    argument: _user_CreateUserRequest,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_user_UserView__Output>,
  ): grpc.ClientUnaryCall;
  create(
    argument: _user_CreateUserRequest,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_user_UserView__Output>,
  ): grpc.ClientUnaryCall;
  create(
    argument: _user_CreateUserRequest,
    callback: grpc.requestCallback<_user_UserView__Output>,
  ): grpc.ClientUnaryCall;

  Exists(
    argument: _user_IdRequest,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_user_UserExistsResponse__Output>,
  ): grpc.ClientUnaryCall;
  Exists(
    argument: _user_IdRequest,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_user_UserExistsResponse__Output>,
  ): grpc.ClientUnaryCall;
  Exists(
    argument: _user_IdRequest,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_user_UserExistsResponse__Output>,
  ): grpc.ClientUnaryCall;
  Exists(
    argument: _user_IdRequest,
    callback: grpc.requestCallback<_user_UserExistsResponse__Output>,
  ): grpc.ClientUnaryCall;
  exists(
    argument: _user_IdRequest,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_user_UserExistsResponse__Output>,
  ): grpc.ClientUnaryCall;
  exists(
    argument: _user_IdRequest,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_user_UserExistsResponse__Output>,
  ): grpc.ClientUnaryCall;
  exists(
    argument: _user_IdRequest,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_user_UserExistsResponse__Output>,
  ): grpc.ClientUnaryCall;
  exists(
    argument: _user_IdRequest,
    callback: grpc.requestCallback<_user_UserExistsResponse__Output>,
  ): grpc.ClientUnaryCall;

  Get(
    argument: _user_IdRequest,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_user_UserView__Output>,
  ): grpc.ClientUnaryCall;
  Get(
    argument: _user_IdRequest,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_user_UserView__Output>,
  ): grpc.ClientUnaryCall;
  Get(
    argument: _user_IdRequest,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_user_UserView__Output>,
  ): grpc.ClientUnaryCall;
  Get(argument: _user_IdRequest, callback: grpc.requestCallback<_user_UserView__Output>): grpc.ClientUnaryCall;
  get(
    argument: _user_IdRequest,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_user_UserView__Output>,
  ): grpc.ClientUnaryCall;
  get(
    argument: _user_IdRequest,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_user_UserView__Output>,
  ): grpc.ClientUnaryCall;
  get(
    argument: _user_IdRequest,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_user_UserView__Output>,
  ): grpc.ClientUnaryCall;
  get(argument: _user_IdRequest, callback: grpc.requestCallback<_user_UserView__Output>): grpc.ClientUnaryCall;

  Ping(
    argument: _user_Empty,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_user_PingResponse__Output>,
  ): grpc.ClientUnaryCall;
  Ping(
    argument: _user_Empty,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_user_PingResponse__Output>,
  ): grpc.ClientUnaryCall;
  Ping(
    argument: _user_Empty,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_user_PingResponse__Output>,
  ): grpc.ClientUnaryCall;
  Ping(argument: _user_Empty, callback: grpc.requestCallback<_user_PingResponse__Output>): grpc.ClientUnaryCall;
  ping(
    argument: _user_Empty,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_user_PingResponse__Output>,
  ): grpc.ClientUnaryCall;
  ping(
    argument: _user_Empty,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_user_PingResponse__Output>,
  ): grpc.ClientUnaryCall;
  ping(
    argument: _user_Empty,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_user_PingResponse__Output>,
  ): grpc.ClientUnaryCall;
  ping(argument: _user_Empty, callback: grpc.requestCallback<_user_PingResponse__Output>): grpc.ClientUnaryCall;
}

export interface UserServiceHandlers extends grpc.UntypedServiceImplementation {
  Create: grpc.handleUnaryCall<_user_CreateUserRequest__Output, _user_UserView>;

  Exists: grpc.handleUnaryCall<_user_IdRequest__Output, _user_UserExistsResponse>;

  Get: grpc.handleUnaryCall<_user_IdRequest__Output, _user_UserView>;

  Ping: grpc.handleUnaryCall<_user_Empty__Output, _user_PingResponse>;
}

export interface UserServiceDefinition extends grpc.ServiceDefinition {
  Create: MethodDefinition<
    _user_CreateUserRequest,
    _user_UserView,
    _user_CreateUserRequest__Output,
    _user_UserView__Output
  >;
  Exists: MethodDefinition<
    _user_IdRequest,
    _user_UserExistsResponse,
    _user_IdRequest__Output,
    _user_UserExistsResponse__Output
  >;
  Get: MethodDefinition<_user_IdRequest, _user_UserView, _user_IdRequest__Output, _user_UserView__Output>;
  Ping: MethodDefinition<_user_Empty, _user_PingResponse, _user_Empty__Output, _user_PingResponse__Output>;
}
