/**
 * Compile-time proof that the .proto files and the TypeScript contracts describe the same payloads. Types only:
 * nothing here exists at runtime. If a check fails, `tsc` reports the check's type argument, which names the fields
 * that differ. Fix the .proto (the contracts are the source of truth), run `npm run proto:generate`, and commit.
 *
 * Compared is what a handler or client receives (`__Output`, loaded with GRPC_LOADER_OPTIONS, so every field is
 * present) against the contract's wire shape: a .proto has no string-literal unions, so those widen to `string`
 * (OrderView.status: OrderStatus is a `string` in order.proto). Everything else must match exactly: the same field
 * names, none missing or extra, each of the same type.
 */
import type { MessageTypeDefinition, MethodDefinition } from '@grpc/proto-loader';
import type { ORDER_EVENTS, ORDER_PATTERNS } from '../orders/order.patterns';
import type {
  CreateOrderMessage,
  ListUserOrdersRequest,
  OrderCreatedEvent,
  OrderItemInput,
  OrderList,
  OrderView,
} from '../orders/order.types';
import type { IdRequest } from '../rpc/id.request';
import type { PingResponse } from '../rpc/rpc-client';
import type { USER_PATTERNS } from '../users/user.patterns';
import type { CreateUserRequest, UserExistsResponse, UserView } from '../users/user.types';
import type { ProtoGrpcType as OrderProto } from './generated/order';
import type { ProtoGrpcType as UserProto } from './generated/user';
import type { ContractPattern, GRPC_METHODS } from './grpc-methods';

type Proto = UserProto & OrderProto;

/** A message without fields: the request of a ping (the clients send `{}`) and the answer to an event. */
type Empty = Record<never, never>;

/** What a handler or client receives for message `Name` of package `Pkg`. */
type Received<Pkg extends keyof Proto, Name extends keyof Proto[Pkg]> =
  Proto[Pkg][Name] extends MessageTypeDefinition<object, infer Output> ? Output : never;

/** The shape of a contract type on the wire. */
type Wire<T> = T extends string
  ? string
  : T extends number
    ? number
    : T extends boolean
      ? boolean
      : T extends readonly (infer Item)[]
        ? Wire<Item>[]
        : { [K in keyof T]: Wire<T[K]> };

type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** `true` when the message matches the contract; otherwise what differs, which `tsc` then prints. */
type Matches<Message, Contract> =
  Differences<Message, Wire<Contract>> extends { missingInProto: never; notInContract: never; differentType: never }
    ? Mutual<Message, Wire<Contract>>
    : Differences<Message, Wire<Contract>>;

type Differences<Message, Contract> = {
  missingInProto: Exclude<keyof Contract, keyof Message>;
  notInContract: Exclude<keyof Message, keyof Contract>;
  differentType: {
    [K in keyof Message & keyof Contract]: Mutual<Message[K], Contract[K]> extends true ? never : K;
  }[keyof Message & keyof Contract];
} extends infer D
  ? { [K in keyof D]: D[K] }
  : never;

type Assert<T extends true> = T;

/** The contract of every message of each .proto file. */
interface MessageContracts {
  user: {
    Empty: Empty;
    IdRequest: IdRequest;
    PingResponse: PingResponse;
    CreateUserRequest: CreateUserRequest;
    UserView: UserView;
    UserExistsResponse: UserExistsResponse;
    OrderCreatedEvent: OrderCreatedEvent;
  };
  order: {
    Empty: Empty;
    IdRequest: IdRequest;
    PingResponse: PingResponse;
    OrderItemInput: OrderItemInput;
    CreateOrderRequest: CreateOrderMessage;
    ListUserOrdersRequest: ListUserOrdersRequest;
    OrderView: OrderView;
    OrderList: OrderList;
  };
}

/** The messages (not the services) a package of the .proto files declares. */
type MessageNames<Pkg extends keyof Proto> = {
  [Name in keyof Proto[Pkg]]: Proto[Pkg][Name] extends MessageTypeDefinition<object, object> ? Name : never;
}[keyof Proto[Pkg]];

/** `true` when every message matches its contract; otherwise the messages that do not, and what differs. */
type MessagesMatch<Pkg extends keyof Proto & keyof MessageContracts> = {
  [Name in MessageNames<Pkg>]: Name extends keyof MessageContracts[Pkg]
    ? Matches<Received<Pkg, Name>, MessageContracts[Pkg][Name]> extends true
      ? true
      : { message: `${Pkg}.${Name & string}`; differences: Matches<Received<Pkg, Name>, MessageContracts[Pkg][Name]> }
    : { message: `${Pkg}.${Name & string}`; error: 'missing from MessageContracts' };
}[MessageNames<Pkg>] extends infer Result
  ? Result
  : never;

/** Every message of both .proto files has a contract, and matches it. */
export type MessageChecks = [
  Assert<Mutual<keyof MessageContracts, keyof Proto>>,
  Assert<Mutual<keyof MessageContracts['user'], MessageNames<'user'>>>,
  Assert<Mutual<keyof MessageContracts['order'], MessageNames<'order'>>>,
  Assert<MessagesMatch<'user'>>,
  Assert<MessagesMatch<'order'>>,
];

/** The request and response contract of each pattern; an event's response is Empty. */
interface ContractSignatures {
  [USER_PATTERNS.create]: [CreateUserRequest, UserView];
  [USER_PATTERNS.get]: [IdRequest, UserView];
  [USER_PATTERNS.exists]: [IdRequest, UserExistsResponse];
  [USER_PATTERNS.ping]: [Empty, PingResponse];
  [ORDER_PATTERNS.create]: [CreateOrderMessage, OrderView];
  [ORDER_PATTERNS.get]: [IdRequest, OrderView];
  [ORDER_PATTERNS.listByUser]: [ListUserOrdersRequest, OrderList];
  [ORDER_PATTERNS.ping]: [Empty, PingResponse];
  [ORDER_EVENTS.created]: [OrderCreatedEvent, Empty];
}

/** The keys of T declared by name, without those of an index signature (grpc-js service definitions have one). */
type DeclaredKeys<T> = keyof { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] };

/** The generated definition of the method GRPC_METHODS maps pattern `P` to; `never` if the .proto lacks it. */
type MethodOf<P extends ContractPattern> = (typeof GRPC_METHODS)[P] extends {
  package: infer Pkg extends keyof Proto;
  service: infer Service extends string;
  method: infer Method extends string;
}
  ? Proto[Pkg] extends Record<Service, { service: infer Definitions }>
    ? Method extends DeclaredKeys<Definitions>
      ? Definitions extends Record<Method, infer Definition>
        ? Definition
        : never
      : never
    : never
  : never;

/** `true` when the method exists and takes and returns the pattern's contracts; otherwise what differs. */
type SignatureMatches<P extends ContractPattern> = P extends keyof ContractSignatures
  ? [MethodOf<P>] extends [never]
    ? { pattern: P; error: 'GRPC_METHODS names a service or method the .proto does not have' }
    : MethodOf<P> extends MethodDefinition<object, object, infer Request, infer Response>
      ? Matches<Request, ContractSignatures[P][0]> extends true
        ? Matches<Response, ContractSignatures[P][1]> extends true
          ? true
          : { pattern: P; response: Matches<Response, ContractSignatures[P][1]> }
        : { pattern: P; request: Matches<Request, ContractSignatures[P][0]> }
      : { pattern: P; error: 'not a method definition' }
  : { pattern: P; error: 'missing from ContractSignatures' };

/** Every pattern: GRPC_METHODS points at a method of the .proto whose request and response match the contracts. */
export type MethodChecks = [
  Assert<Mutual<keyof ContractSignatures, ContractPattern>>,
  Assert<{ [P in ContractPattern]: SignatureMatches<P> }[ContractPattern]>,
];
