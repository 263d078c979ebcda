// Which gRPC method serves each contract pattern. Nothing here is a table kept by hand:
//
// - The TypeScript contracts are the source of truth: the *_PATTERNS and *_EVENTS constants name the patterns, and
//   their request and response types (ContractSignatures in proto-compat.ts) say what each carries. Every transport
//   uses them; only gRPC needs more.
// - Each .proto file here is the gRPC form of one service's part, and is checked against them: proto-compat.ts at
//   compile time (same fields, same types), grpc-methods.spec.ts at test time (one method per pattern, no other).
// - A pattern's method follows from the names, so it is looked up in the loaded .proto files, not listed:
//     message `order.list_by_user`  ->  package order, service OrderService, method ListByUser
//     event   `order.created`       ->  service OrderEvents, method Created, in the package of the service that
//                                       consumes it (over gRPC an event is a unary call to its one consumer)
// A new pattern is therefore a constant and its signature in the contracts, plus its rpc in the .proto.
import { type Options, type PackageDefinition, loadSync } from '@grpc/proto-loader';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

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

/** The .proto package of a service: a package name cannot hold the `-` of `stock-level`. */
export function grpcPackageOf(service: string): string {
  return service.replaceAll('-', '_');
}

/** `stock-level` -> `StockLevel`, `list_by_user` -> `ListByUser`: how a .proto spells a service or a pattern's name. */
export function pascalCase(name: string): string {
  return name
    .split(/[-_]/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
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

/** The .proto files here, one per service that has a gRPC contract. */
export function protoFiles(): string[] {
  return readdirSync(__dirname).filter((file) => file.endsWith('.proto'));
}

let loaded: PackageDefinition | undefined;

/** Every .proto file here, loaded once: its services (`user.UserService`) and messages (`user.UserView`). */
export function grpcPackageDefinition(): PackageDefinition {
  loaded ??= loadSync(protoFiles(), { ...GRPC_LOADER_OPTIONS, includeDirs: [__dirname] });
  return loaded;
}

const methodsByPattern = new Map<string, GrpcMethodRef>();

/**
 * The gRPC method for a contract pattern; throws for a pattern that has none. Looked up once per pattern: a gRPC
 * client asks for every call it sends.
 */
export function grpcMethodOf(pattern: string): GrpcMethodRef {
  let ref = methodsByPattern.get(pattern);
  if (!ref) {
    ref = findGrpcMethod(pattern);
    methodsByPattern.set(pattern, ref);
  }
  return ref;
}

function findGrpcMethod(pattern: string): GrpcMethodRef {
  const [owner, name = ''] = pattern.split(/\.(.*)/); // at the first dot: `order`, `list_by_user`
  const method = pascalCase(name);
  const messages = `${grpcPackageOf(owner)}.${pascalCase(owner)}Service`;
  const events = `.${pascalCase(owner)}Events`;
  for (const [qualified, definition] of Object.entries(grpcPackageDefinition())) {
    const isEvent = qualified.endsWith(events);
    if ((qualified === messages || isEvent) && Object.hasOwn(definition, method)) {
      const [pkg, service] = qualified.split('.');
      return { package: pkg, service, method, isEvent };
    }
  }
  throw new Error(
    `No gRPC method for pattern "${pattern}": add \`rpc ${method}\` to service ${messages} (a message) or to a ` +
      `${events.slice(1)} service in its consumer's .proto (an event), then run \`npm run proto:generate\``,
  );
}

/**
 * The absolute path of a service's .proto file. The files sit next to this module both in the sources and in each
 * app's build output (copied there by the `assets` of the app in nest-cli.json), so this works under Jest, from
 * dist/apps/<app> and in the Docker image, which holds only dist/apps/<app>.
 */
export function protoPath(service: string): string {
  const file = join(__dirname, `${grpcPackageOf(service)}.proto`);
  if (!existsSync(file)) {
    // `npm run new:service` writes it; a service written by hand may lack it: say what is missing.
    throw new Error(
      `TRANSPORT=grpc: the "${service}" service has no gRPC contract. Add libs/contracts/src/grpc/` +
        `${grpcPackageOf(service)}.proto, its signatures in proto-compat.ts, then run \`npm run proto:generate\`; ` +
        'or use TRANSPORT=tcp, nats or rmq.',
    );
  }
  return file;
}
