import { Attributes, Histogram, context, metrics } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';

/**
 * Durations in seconds, as the semantic conventions ask, with their advisory buckets (the SDK's defaults are for
 * milliseconds and would put every call in the first bucket).
 */
const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

const histograms = new Map<string, Histogram>();

/**
 * The histogram of one of DURATION_METRICS, created on first use, not at import: a meter taken before the SDK
 * registers its provider stays a no-op. `buckets` apply to the first call only.
 */
export function durationHistogram(metric: DurationMetric, buckets: number[] = SECONDS_BUCKETS): Histogram {
  const [name, description] = DURATION_METRICS[metric];
  let instrument = histograms.get(name);
  if (!instrument) {
    instrument = metrics.getMeter('@app/tracing').createHistogram(name, {
      description,
      unit: 's',
      advice: { explicitBucketBoundaries: buckets },
    });
    histograms.set(name, instrument);
  }
  return instrument;
}

/** Names from the OpenTelemetry semantic conventions (RPC, messaging and database metrics). */
export const DURATION_METRICS = {
  rpcClient: ['rpc.client.call.duration', 'Duration of outgoing RPC calls'],
  rpcServer: ['rpc.server.call.duration', 'Duration of handled RPC calls'],
  messagingSend: ['messaging.client.operation.duration', 'Duration of publishing a message'],
  messagingProcess: ['messaging.process.duration', 'Duration of processing a received message'],
  dbOperation: ['db.client.operation.duration', 'Duration of database queries'],
} as const;

export type DurationMetric = keyof typeof DURATION_METRICS;

/**
 * Records a duration measured with performance.now() timestamps. Work done with tracing suppressed (health probes:
 * the HTTP instrumentation suppresses tracing for the paths it ignores) is not traffic and is not counted.
 */
export function recordDuration(metric: DurationMetric, startedAt: number, attributes: Attributes): void {
  if (isTracingSuppressed(context.active())) return;
  durationHistogram(metric).record((performance.now() - startedAt) / 1000, attributes);
}
