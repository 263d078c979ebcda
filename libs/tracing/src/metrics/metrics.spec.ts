import { ROOT_CONTEXT, context, metrics } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { suppressTracing } from '@opentelemetry/core';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { operationOf, recordDbQuery } from './db-metrics';
import { recordDuration } from './instruments';

/** A reader the test collects from on demand. */
class TestReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const reader = new TestReader();
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
});

afterAll(() => {
  metrics.disable();
  context.disable();
});

async function histogram(name: string) {
  const { resourceMetrics } = await reader.collect();
  const metric = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics).find((m) => m.descriptor.name === name);
  return metric?.dataPoints as
    { attributes: Record<string, unknown>; value: { count: number; sum: number } }[] | undefined;
}

describe(recordDuration.name, () => {
  it('records seconds with the given attributes', async () => {
    const startedAt = performance.now() - 250;

    recordDuration('rpcClient', startedAt, { 'rpc.method': 'user.get' });

    const [point] = (await histogram('rpc.client.call.duration'))!.filter(
      (p) => p.attributes['rpc.method'] === 'user.get',
    );
    expect(point.value.count).toBe(1);
    expect(point.value.sum).toBeGreaterThanOrEqual(0.25);
    expect(point.value.sum).toBeLessThan(5);
  });

  it('does not count work done with tracing suppressed (health probes)', async () => {
    context.with(suppressTracing(ROOT_CONTEXT), () =>
      recordDuration('rpcClient', performance.now(), { 'rpc.method': 'user.ping' }),
    );

    const points = (await histogram('rpc.client.call.duration')) ?? [];
    expect(points.filter((p) => p.attributes['rpc.method'] === 'user.ping')).toEqual([]);
  });
});

describe(recordDbQuery.name, () => {
  it('records Prisma query events in db.client.operation.duration, in seconds, by SQL verb', async () => {
    recordDbQuery({ query: 'INSERT INTO "public"."orders" VALUES ($1)', duration: 2 });
    recordDbQuery({ query: '  select 1', duration: 1500 });

    const points = (await histogram('db.client.operation.duration'))!;
    expect(points.map((p) => [p.attributes['db.operation.name'], p.value.count]).sort()).toEqual([
      ['INSERT', 1],
      ['SELECT', 1],
    ]);
    expect(points.find((p) => p.attributes['db.operation.name'] === 'SELECT')!.value.sum).toBeCloseTo(1.5);
    expect(points.every((p) => p.attributes['db.system.name'] === 'postgresql')).toBe(true);
  });

  it('does not count the queries of health probes (tracing suppressed)', async () => {
    context.with(suppressTracing(ROOT_CONTEXT), () => recordDbQuery({ query: 'DELETE FROM x', duration: 1 }));

    const points = (await histogram('db.client.operation.duration')) ?? [];
    expect(points.filter((p) => p.attributes['db.operation.name'] === 'DELETE')).toEqual([]);
  });

  it.each([
    ['BEGIN', 'BEGIN'],
    ['with x as (select 1) select * from x', 'WITH'],
    ['', 'OTHER'],
    [undefined, 'OTHER'],
  ])('names %p as %p', (query, verb) => {
    expect(operationOf(query)).toBe(verb);
  });
});
