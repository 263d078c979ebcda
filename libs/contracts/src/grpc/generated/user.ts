import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type {
  CreateUserRequest as _user_CreateUserRequest,
  CreateUserRequest__Output as _user_CreateUserRequest__Output,
} from './user/CreateUserRequest';
import type { Empty as _user_Empty, Empty__Output as _user_Empty__Output } from './user/Empty';
import type { IdRequest as _user_IdRequest, IdRequest__Output as _user_IdRequest__Output } from './user/IdRequest';
import type {
  OrderCreatedEvent as _user_OrderCreatedEvent,
  OrderCreatedEvent__Output as _user_OrderCreatedEvent__Output,
} from './user/OrderCreatedEvent';
import type {
  OrderEventsClient as _user_OrderEventsClient,
  OrderEventsDefinition as _user_OrderEventsDefinition,
} from './user/OrderEvents';
import type {
  PingResponse as _user_PingResponse,
  PingResponse__Output as _user_PingResponse__Output,
} from './user/PingResponse';
import type {
  UserExistsResponse as _user_UserExistsResponse,
  UserExistsResponse__Output as _user_UserExistsResponse__Output,
} from './user/UserExistsResponse';
import type {
  UserServiceClient as _user_UserServiceClient,
  UserServiceDefinition as _user_UserServiceDefinition,
} from './user/UserService';
import type { UserView as _user_UserView, UserView__Output as _user_UserView__Output } from './user/UserView';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new (...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  user: {
    CreateUserRequest: MessageTypeDefinition<_user_CreateUserRequest, _user_CreateUserRequest__Output>;
    Empty: MessageTypeDefinition<_user_Empty, _user_Empty__Output>;
    IdRequest: MessageTypeDefinition<_user_IdRequest, _user_IdRequest__Output>;
    OrderCreatedEvent: MessageTypeDefinition<_user_OrderCreatedEvent, _user_OrderCreatedEvent__Output>;
    OrderEvents: SubtypeConstructor<typeof grpc.Client, _user_OrderEventsClient> & {
      service: _user_OrderEventsDefinition;
    };
    PingResponse: MessageTypeDefinition<_user_PingResponse, _user_PingResponse__Output>;
    UserExistsResponse: MessageTypeDefinition<_user_UserExistsResponse, _user_UserExistsResponse__Output>;
    UserService: SubtypeConstructor<typeof grpc.Client, _user_UserServiceClient> & {
      service: _user_UserServiceDefinition;
    };
    UserView: MessageTypeDefinition<_user_UserView, _user_UserView__Output>;
  };
}
