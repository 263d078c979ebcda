import type { Options } from '@grpc/proto-loader';
import { join } from 'node:path';
import { ORDER_EVENTS, ORDER_PATTERNS } from '../orders/order.patterns';
import { USER_PATTERNS } from '../users/user.patterns';

/** Every pattern a service handles: the messages of USER_PATTERNS and ORDER_PATTERNS, and the ORDER_EVENTS. */
export type ContractPattern =
  | (typeof USER_PATTERNS)[keyof typeof USER_PATTERNS]
  | (typeof ORDER_PATTERNS)[keyof typeof ORDER_PATTERNS]
  | (typeof ORDER_EVENTS)[keyof typeof ORDER_EVENTS];

/** Where a contract pattern lives in the .proto files. */
export interface GrpcMethodRef {
  /** The .proto package: the service's name in snake case (grpcPackageOf); its file is `<package>.proto`, here. */
  package: string;
  /** The service's name inside its package, as Nest's @GrpcMethod and ClientGrpc.getService take it. */
  service: string;
  method: string;
  /** An event: over gRPC a unary call to the consumer, whose answer (Empty) is ignored. */
  isEvent: boolean;
}

/**
 * The gRPC method behind each contract pattern. Exhaustive by type: a pattern added to the constants without an
 * entry here fails compilation, and proto-compat.ts checks that each method exists in the generated types with
 * the contract's request and response.
 */
export const GRPC_METHODS = {
  [USER_PATTERNS.create]: { package: 'user', service: 'UserService', method: 'Create', isEvent: false },
  [USER_PATTERNS.get]: { package: 'user', service: 'UserService', method: 'Get', isEvent: false },
  [USER_PATTERNS.exists]: { package: 'user', service: 'UserService', method: 'Exists', isEvent: false },
  [USER_PATTERNS.ping]: { package: 'user', service: 'UserService', method: 'Ping', isEvent: false },
  [ORDER_PATTERNS.create]: { package: 'order', service: 'OrderService', method: 'Create', isEvent: false },
  [ORDER_PATTERNS.get]: { package: 'order', service: 'OrderService', method: 'Get', isEvent: false },
  [ORDER_PATTERNS.listByUser]: { package: 'order', service: 'OrderService', method: 'ListByUser', isEvent: false },
  [ORDER_PATTERNS.ping]: { package: 'order', service: 'OrderService', method: 'Ping', isEvent: false },
  // The user service consumes order events, so the method is in its package.
  [ORDER_EVENTS.created]: { package: 'user', service: 'OrderEvents', method: 'Created', isEvent: true },
} as const satisfies Record<ContractPattern, GrpcMethodRef>;

/** The .proto packages: those GRPC_METHODS names. */
const GRPC_PACKAGES = new Set<string>(Object.values(GRPC_METHODS).map((ref) => ref.package));

/** The .proto package of a service: a package name cannot hold the `-` of `stock-level`. */
export function grpcPackageOf(service: string): string {
  return service.replaceAll('-', '_');
}

/** Options both ends load the .proto files with, so a client and a server see the same shapes. */
export const GRPC_LOADER_OPTIONS = {
  /** Field names stay as the TypeScript contracts spell them (camelCase). */
  keepCase: true,
  longs: String,
  enums: String,
  /** Absent fields arrive with their defaults, so a handler receives every field the contract declares. */
  defaults: true,
  // No `oneofs`: a proto3 `optional` field is a synthetic oneof, and `oneofs: true` would add a virtual
  // `_idempotencyKey` property that the services' whitelist validation rejects. No message has a real oneof.
} as const satisfies Options;

const patternsByMethod = new Map<string, ContractPattern>(
  Object.entries(GRPC_METHODS).map(([pattern, { service, method }]) => [
    methodKey(service, method),
    pattern as ContractPattern,
  ]),
);

/** The gRPC method for a contract pattern; throws for a pattern that has none. */
export function grpcMethodOf(pattern: string): GrpcMethodRef {
  if (!Object.hasOwn(GRPC_METHODS, pattern)) {
    throw new Error(`No gRPC method for pattern "${pattern}": add it to GRPC_METHODS and the .proto files`);
  }
  return GRPC_METHODS[pattern as ContractPattern];
}

/** The contract pattern served by `service`.`method` (names as in the .proto), or undefined if there is none. */
export function patternOfGrpcMethod(service: string, method: string): ContractPattern | undefined {
  return patternsByMethod.get(methodKey(service, method));
}

/**
 * The absolute path of a service's .proto file. The files sit next to this module both in the sources and in each
 * app's build output (copied there by the `assets` of the app in nest-cli.json), so this works under Jest, from
 * dist/apps/<app> and in the Docker image, which holds only dist/apps/<app>.
 */
export function protoPath(service: string): string {
  const pkg = grpcPackageOf(service);
  if (!GRPC_PACKAGES.has(pkg)) {
    // `npm run new:service` writes both; a service written by hand may lack them: say what is missing.
    throw new Error(
      `TRANSPORT=grpc: the "${service}" service has no gRPC contract. Add libs/contracts/src/grpc/${pkg}.proto and ` +
        'its methods in GRPC_METHODS (grpc-methods.ts) and proto-compat.ts, then run `npm run proto:generate`; ' +
        'or use TRANSPORT=tcp, nats or rmq.',
    );
  }
  return join(__dirname, `${pkg}.proto`);
}

function methodKey(service: string, method: string): string {
  return `${service}/${method}`;
}
