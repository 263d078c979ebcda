import { context } from '@opentelemetry/api';
import { getBooleanFromEnv, isTracingSuppressed } from '@opentelemetry/core';
import { durationHistogram } from './instruments';

/** Queries are faster than RPCs: finer buckets at the low end. */
const DB_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** What Prisma's `query` event gives (`$on('query', …)`): the SQL and its duration in milliseconds. */
export interface DbQueryEvent {
  query: string;
  duration: number;
}

/**
 * Records one SQL query in `db.client.operation.duration`, by SQL verb. Fed from Prisma's own `query` event (see
 * PrismaModule), which fires for every query whatever the sampler decided: a span processor sees only sampled
 * spans, so at 10% sampling it counted a tenth of the queries. Queries of health probes (tracing suppressed by the
 * HTTP instrumentation for the paths it ignores) are not traffic and are not counted.
 */
export function recordDbQuery({ query, duration }: DbQueryEvent, system = 'postgresql'): void {
  if (isTracingSuppressed(context.active())) return;
  durationHistogram('dbOperation', DB_BUCKETS).record(duration / 1000, {
    'db.system.name': system,
    'db.operation.name': operationOf(query),
  });
}

/**
 * Whether anything would receive `db.client.operation.duration`: not with OTEL_SDK_DISABLED, where the meter is a
 * no-op. PrismaModule then asks Prisma for no query events at all, which would cost it work on every query.
 */
export function dbMetricsEnabled(): boolean {
  return !getBooleanFromEnv('OTEL_SDK_DISABLED');
}

/** The SQL verb (SELECT, INSERT, BEGIN…): low-cardinality, unlike the query text. */
export function operationOf(queryText: unknown): string {
  const verb = typeof queryText === 'string' ? /^\s*([A-Za-z]+)/.exec(queryText)?.[1] : undefined;
  return verb ? verb.toUpperCase() : 'OTHER';
}
