/**
 * Compile-time proof that the .proto files and the TypeScript contracts describe the same calls. Types only: nothing
 * here exists at runtime. The contracts are the source of truth (see grpc-methods.ts): ContractSignatures gives each
 * pattern's request and response, and every pattern the contracts export must be in it. For each, the method
 * grpc-methods.ts finds by name must exist in the generated types, and take and return those shapes, nested messages
 * included. If a check fails, `tsc` reports the check's type argument, which names the pattern and the fields that
 * differ. Fix the .proto, run `npm run proto:generate`, and commit.
 *
 * Compared is what a handler or client receives (`__Output`, loaded with GRPC_LOADER_OPTIONS, so every field is
 * present) against the contract's wire shape: a .proto has no string-literal unions, so those widen to `string`
 * (OrderView.status: OrderStatus is a `string` in order.proto). Everything else must match exactly: the same field
 * names, none missing or extra, each of the same type.
 */
import type { MethodDefinition } from '@grpc/proto-loader';
import type * as Contracts from '../index';
import type {
  CreateOrderMessage,
  ListUserOrdersRequest,
  OrderCreatedEvent,
  OrderList,
  OrderView,
} from '../orders/order.types';
import type { IdRequest } from '../rpc/id.request';
import type { PingResponse } from '../rpc/rpc-client';
import type { CreateUserRequest, UserExistsResponse, UserView } from '../users/user.types';
import type { ProtoGrpcType as OrderProto } from './generated/order';
import type { ProtoGrpcType as UserProto } from './generated/user';

/** The generated types of every .proto file. */
type Proto = UserProto & OrderProto;

/** A message without fields: the request of a ping (the clients send `{}`) and the answer to an event. */
type Empty = Record<never, never>;

/** The request and response contract of each pattern; an event's response is Empty. */
interface ContractSignatures {
  'user.create': [CreateUserRequest, UserView];
  'user.get': [IdRequest, UserView];
  'user.exists': [IdRequest, UserExistsResponse];
  'user.ping': [Empty, PingResponse];
  'order.create': [CreateOrderMessage, OrderView];
  'order.get': [IdRequest, OrderView];
  'order.list_by_user': [ListUserOrdersRequest, OrderList];
  'order.ping': [Empty, PingResponse];
  'order.created': [OrderCreatedEvent, Empty];
}

/** Every pattern a service handles: the values of each *_PATTERNS and *_EVENTS constant the contracts export. */
type ContractPattern = {
  [Name in keyof typeof Contracts]: Name extends `${string}_PATTERNS` | `${string}_EVENTS`
    ? (typeof Contracts)[Name][keyof (typeof Contracts)[Name]]
    : never;
}[keyof typeof Contracts];

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
type Matches<Message, Contract> = Shape<Message, Wire<Contract>>;

type Shape<Message, Contract> =
  Differences<Message, Contract> extends { missingInProto: never; notInContract: never; differentType: never }
    ? Mutual<Message, Contract>
    : Differences<Message, Contract>;

type Differences<Message, Contract> = {
  missingInProto: Exclude<keyof Contract, keyof Message>;
  notInContract: Exclude<keyof Message, keyof Contract>;
  differentType: {
    [K in keyof Message & keyof Contract]: FieldMatches<Message[K], Contract[K]> extends true ? never : K;
  }[keyof Message & keyof Contract];
} extends infer D
  ? { [K in keyof D]: D[K] }
  : never;

/** A field: a nested message (or a list of them) is compared field by field, like the message holding it. */
type FieldMatches<Message, Contract> = [Message, Contract] extends [(infer M)[], (infer C)[]]
  ? FieldMatches<M, C>
  : [Message, Contract] extends [object, object]
    ? Shape<Message, Contract>
    : Mutual<Message, Contract>;

type Assert<T extends true> = T;

/** The keys of T declared by name, without those of an index signature (grpc-js service definitions have one). */
type DeclaredKeys<T> = keyof { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] };

/** `list_by_user` -> `ListByUser`, `stock-level` -> `StockLevel`: pascalCase of grpc-methods.ts, in types. */
type Pascal<S extends string> = S extends `${infer Word}${'_' | '-'}${infer Rest}`
  ? `${Capitalize<Word>}${Pascal<Rest>}`
  : Capitalize<S>;

/** `stock-level` -> `stock_level`: grpcPackageOf of grpc-methods.ts, in types. */
type GrpcPackage<S extends string> = S extends `${infer Head}-${infer Rest}` ? `${Head}_${GrpcPackage<Rest>}` : S;

/**
 * The generated definition of the method grpcMethodOf finds for pattern `P` (`<owner>.<name>`): method Pascal<name>
 * of service <Owner>Service in package <owner>, or of an <Owner>Events service in any package. `never` if none.
 */
type MethodOf<P extends string> = P extends `${infer Owner}.${infer Name}`
  ? {
      [Pkg in keyof Proto]: {
        [Service in keyof Proto[Pkg]]: Service extends
          (Pkg extends GrpcPackage<Owner> ? `${Pascal<Owner>}Service` : never) | `${Pascal<Owner>}Events`
          ? Proto[Pkg][Service] extends { service: infer Definitions }
            ? Pascal<Name> extends DeclaredKeys<Definitions>
              ? Definitions[Pascal<Name> & keyof Definitions]
              : never
            : never
          : never;
      }[keyof Proto[Pkg]];
    }[keyof Proto]
  : never;

/** `true` when the method exists and takes and returns the pattern's contracts; otherwise what differs. */
type SignatureMatches<P extends ContractPattern> = P extends keyof ContractSignatures
  ? [MethodOf<P>] extends [never]
    ? { pattern: P; error: 'the .proto has no method for it (see grpcMethodOf)' }
    : MethodOf<P> extends MethodDefinition<object, object, infer Request, infer Response>
      ? Matches<Request, ContractSignatures[P][0]> extends true
        ? Matches<Response, ContractSignatures[P][1]> extends true
          ? true
          : { pattern: P; response: Matches<Response, ContractSignatures[P][1]> }
        : { pattern: P; request: Matches<Request, ContractSignatures[P][0]> }
      : { pattern: P; error: 'not a method definition' }
  : { pattern: P; error: 'missing from ContractSignatures' };

/** Every pattern has a signature, and its method in the .proto takes and returns what the signature says. */
export type MethodChecks = [
  Assert<Mutual<keyof ContractSignatures, ContractPattern>>,
  Assert<{ [P in ContractPattern]: SignatureMatches<P> }[ContractPattern]>,
];
