import { type GrpcObject, type ServiceClientConstructor, loadPackageDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { existsSync, readdirSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { ORDER_EVENTS, ORDER_PATTERNS } from '../orders/order.patterns';
import { USER_PATTERNS } from '../users/user.patterns';
import {
  type ContractPattern,
  GRPC_LOADER_OPTIONS,
  GRPC_METHODS,
  grpcMethodOf,
  grpcPackageOf,
  patternOfGrpcMethod,
  protoPath,
} from './grpc-methods';

// GRPC_METHODS is exhaustive by type: every contract pattern has an entry (those of generated services too).
const ALL_PATTERNS = Object.keys(GRPC_METHODS) as ContractPattern[];

/** The packages of the .proto files here, one per file. */
const PROTO_PACKAGES = readdirSync(__dirname)
  .filter((file) => file.endsWith('.proto'))
  .map((file) => file.slice(0, -'.proto'.length));

/** The services of a package (not its messages), loaded the way Nest's client and server load it. */
function servicesOf(pkg: string): Record<string, ServiceClientConstructor> {
  const loaded = loadPackageDefinition(loadSync(protoPath(pkg), GRPC_LOADER_OPTIONS));
  const members = Object.entries(loaded[pkg] as GrpcObject);
  return Object.fromEntries(
    members.filter((entry): entry is [string, ServiceClientConstructor] => typeof entry[1] === 'function'),
  );
}

describe('GRPC_METHODS', () => {
  it("covers user's and order's patterns, and names a package for each .proto file and none other", () => {
    expect(ALL_PATTERNS).toEqual(
      expect.arrayContaining([
        ...Object.values(USER_PATTERNS),
        ...Object.values(ORDER_PATTERNS),
        ...Object.values(ORDER_EVENTS),
      ]),
    );
    expect([...new Set(ALL_PATTERNS.map((pattern) => grpcMethodOf(pattern).package))].sort()).toEqual(
      [...PROTO_PACKAGES].sort(),
    );
  });

  it.each(ALL_PATTERNS)('maps %s to a method its .proto declares', (pattern) => {
    const { package: pkg, service, method } = grpcMethodOf(pattern);

    const definition = servicesOf(pkg)[service]?.service;

    expect(definition).toBeDefined();
    expect(Object.keys(definition)).toContain(method);
    expect(definition[method].path).toBe(`/${pkg}.${service}/${method}`);
  });

  it('maps every method of the .proto files to a pattern', () => {
    for (const pkg of PROTO_PACKAGES) {
      for (const [service, { service: definition }] of Object.entries(servicesOf(pkg))) {
        for (const method of Object.keys(definition)) {
          expect({ service, method, pattern: patternOfGrpcMethod(service, method) }).toEqual({
            service,
            method,
            pattern: expect.any(String),
          });
          expect(grpcMethodOf(patternOfGrpcMethod(service, method)!).package).toBe(pkg);
        }
      }
    }
  });

  it('marks only the events as events', () => {
    const events = ALL_PATTERNS.filter((pattern) => grpcMethodOf(pattern).isEvent);

    expect(events).toEqual(Object.values(ORDER_EVENTS));
  });
});

describe(grpcMethodOf.name, () => {
  it('returns the method of a pattern', () => {
    expect(grpcMethodOf(ORDER_EVENTS.created)).toEqual({
      package: 'user',
      service: 'OrderEvents',
      method: 'Created',
      isEvent: true,
    });
  });

  it('throws a clear error for an unknown pattern', () => {
    expect(() => grpcMethodOf('user.delete')).toThrow('No gRPC method for pattern "user.delete"');
    expect(() => grpcMethodOf('toString')).toThrow('No gRPC method for pattern "toString"');
  });
});

describe(patternOfGrpcMethod.name, () => {
  it.each(ALL_PATTERNS)('round-trips %s', (pattern) => {
    const { service, method } = grpcMethodOf(pattern);

    expect(patternOfGrpcMethod(service, method)).toBe(pattern);
  });

  it('returns undefined for an unknown service or method', () => {
    expect(patternOfGrpcMethod('UserService', 'Delete')).toBeUndefined();
    expect(patternOfGrpcMethod('NoSuchService', 'Get')).toBeUndefined();
    expect(patternOfGrpcMethod('user.UserService', 'Get')).toBeUndefined();
  });
});

describe(protoPath.name, () => {
  it.each(['user', 'order'] as const)('is the absolute path of %s.proto', (pkg) => {
    const path = protoPath(pkg);

    expect(isAbsolute(path)).toBe(true);
    expect(path.endsWith(`${pkg}.proto`)).toBe(true);
    expect(existsSync(path)).toBe(true);
  });

  it('takes the service name, whose `-` its package turns into `_`', () => {
    expect(grpcPackageOf('stock-level')).toBe('stock_level');
  });

  it('rejects a service without a .proto, naming the file to add', () => {
    expect(() => protoPath('billing')).toThrow(
      'TRANSPORT=grpc: the "billing" service has no gRPC contract. Add libs/contracts/src/grpc/billing.proto',
    );
  });
});
