import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { DURATION_METRICS } from './instruments';
import { Histogram, metrics } from '@opentelemetry/api';

const PRISMA_QUERY_SPAN = 'prisma:client:db_query';

/**
 * Prisma 7 exports no metrics of its own, but every query already produces a `prisma:client:db_query` span with
 * `db.system.name` and `db.query.text`; this turns those spans into the `db.client.operation.duration` histogram.
 * Hand-written because no maintained package derives metrics from spans inside the process (the Collector's
 * spanmetrics connector does it downstream, after sampling).
 */
export class DbQueryMetricsProcessor implements SpanProcessor {
  private histogram?: Histogram;

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    if (span.name !== PRISMA_QUERY_SPAN) return;
    const [name, description] = DURATION_METRICS.dbOperation;
    this.histogram ??= metrics.getMeter('@app/tracing').createHistogram(name, {
      description,
      unit: 's',
      advice: { explicitBucketBoundaries: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] },
    });
    const [seconds, nanos] = span.duration;
    const system = span.attributes['db.system.name'];
    this.histogram.record(seconds + nanos / 1e9, {
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
