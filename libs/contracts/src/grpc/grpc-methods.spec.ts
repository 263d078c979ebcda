import type { ServiceDefinition } from '@grpc/proto-loader';
import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import * as contracts from '../index';
import { ORDER_EVENTS, ORDER_PATTERNS } from '../orders/order.patterns';
import { USER_PATTERNS } from '../users/user.patterns';
import { grpcMethodOf, grpcPackageDefinition, grpcPackageOf, pascalCase, protoFiles, protoPath } from './grpc-methods';

/** The values of each *_PATTERNS or *_EVENTS constant the contracts export (those of generated services too). */
const patternsOf = (suffix: '_PATTERNS' | '_EVENTS') =>
  Object.entries(contracts)
    .filter(([name]) => name.endsWith(suffix))
    .flatMap(([, table]) => Object.values(table as Record<string, string>));
const MESSAGES = patternsOf('_PATTERNS');
const EVENTS = patternsOf('_EVENTS');
const ALL_PATTERNS = [...MESSAGES, ...EVENTS];

/** `package.Service/Method` of every method the .proto files declare. */
function declaredMethods(): string[] {
  return Object.entries(grpcPackageDefinition())
    .filter(([, definition]) => !('format' in definition)) // services, not messages
    .flatMap(([service, methods]) => Object.keys(methods as ServiceDefinition).map((method) => `${service}/${method}`));
}

describe(grpcMethodOf.name, () => {
  it("sees user's and order's patterns and events among the contracts' exports", () => {
    expect(MESSAGES).toEqual(
      expect.arrayContaining([...Object.values(USER_PATTERNS), ...Object.values(ORDER_PATTERNS)]),
    );
    expect(EVENTS).toEqual(expect.arrayContaining(Object.values(ORDER_EVENTS)));
  });

  it.each(ALL_PATTERNS)('maps %s to a method its .proto declares', (pattern) => {
    const { package: pkg, service, method } = grpcMethodOf(pattern);

    const definition = grpcPackageDefinition()[`${pkg}.${service}`] as ServiceDefinition;

    expect(definition[method]?.path).toBe(`/${pkg}.${service}/${method}`);
  });

  it('maps every method of the .proto files to exactly one pattern, and names a package for each file', () => {
    const mapped = ALL_PATTERNS.map((pattern) => grpcMethodOf(pattern));

    expect(mapped.map((ref) => `${ref.package}.${ref.service}/${ref.method}`).sort()).toEqual(declaredMethods().sort());
    expect([...new Set(mapped.map((ref) => `${ref.package}.proto`))].sort()).toEqual(protoFiles().sort());
  });

  it('finds a message in its service’s package, an event in its consumer’s, and marks only the events', () => {
    expect(grpcMethodOf(ORDER_PATTERNS.listByUser)).toEqual({
      package: 'order',
      service: 'OrderService',
      method: 'ListByUser',
      isEvent: false,
    });
    expect(grpcMethodOf(ORDER_EVENTS.created)).toEqual({
      package: 'user',
      service: 'OrderEvents',
      method: 'Created',
      isEvent: true,
    });
    expect(ALL_PATTERNS.filter((pattern) => grpcMethodOf(pattern).isEvent)).toEqual(EVENTS);
  });

  it('throws a clear error for a pattern without a method', () => {
    expect(() => grpcMethodOf('user.delete')).toThrow(
      'No gRPC method for pattern "user.delete": add `rpc Delete` to service user.UserService',
    );
    expect(() => grpcMethodOf('toString')).toThrow('No gRPC method for pattern "toString"');
    expect(() => grpcMethodOf('order.format')).toThrow('No gRPC method for pattern "order.format"');
  });
});

describe(pascalCase.name, () => {
  it('spells service and pattern names as a .proto does', () => {
    expect(['stock-level', 'list_by_user', 'user', 'a1-b2'].map(pascalCase)).toEqual([
      'StockLevel',
      'ListByUser',
      'User',
      'A1B2',
    ]);
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
