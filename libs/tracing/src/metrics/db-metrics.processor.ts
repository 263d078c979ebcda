import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { durationHistogram } from './instruments';

const PRISMA_QUERY_SPAN = 'prisma:client:db_query';
/** Queries are faster than RPCs: finer buckets at the low end. */
const DB_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * Prisma 7 exports no metrics of its own, but every query already produces a `prisma:client:db_query` span with
 * `db.system.name` and `db.query.text`; this turns those spans into the `db.client.operation.duration` histogram.
 * Hand-written because no maintained package derives metrics from spans inside the process (the Collector's
 * spanmetrics connector does it downstream, after sampling).
 */
export class DbQueryMetricsProcessor implements SpanProcessor {
  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    if (span.name !== PRISMA_QUERY_SPAN) return;
    const [seconds, nanos] = span.duration;
    const system = span.attributes['db.system.name'];
    durationHistogram('dbOperation', DB_BUCKETS).record(seconds + nanos / 1e9, {
      'db.system.name': typeof system === 'string' ? system : 'postgresql',
      'db.operation.name': operationOf(span.attributes['db.query.text']),
    });
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** The SQL verb (SELECT, INSERT, BEGIN…): low-cardinality, unlike the query text. */
export function operationOf(queryText: unknown): string {
  const verb = typeof queryText === 'string' ? /^\s*([A-Za-z]+)/.exec(queryText)?.[1] : undefined;
  return verb ? verb.toUpperCase() : 'OTHER';
}
