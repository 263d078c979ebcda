import type { TextMapPropagator } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, getStringListFromEnv } from '@opentelemetry/core';
import { W3CTraceContextLevel2Propagator } from '../propagators/w3c-trace-context-level2';

const W3C_FORMATS = new Set(['tracecontext', 'baggage']);

/**
 * The propagator NodeSDK gets as `textMapPropagator`: what OTEL_PROPAGATORS asks for (default `tracecontext,baggage`),
 * with `tracecontext` read and written by W3C Trace Context Level 2 instead of the stock Level 1 propagator.
 * Undefined when the list names another format (b3, b3multi) or `none`: NodeSDK then reads OTEL_PROPAGATORS itself,
 * exactly as documented, with the stock tracecontext. NodeSDK has no public hook to swap one propagator of its list.
 */
export function w3cPropagatorFromEnv(): TextMapPropagator | undefined {
  const names = [...new Set(getStringListFromEnv('OTEL_PROPAGATORS') ?? ['tracecontext', 'baggage'])];
  if (!names.every((name) => W3C_FORMATS.has(name))) return undefined;
  return new CompositePropagator({
    propagators: names.map((name) =>
      name === 'tracecontext' ? new W3CTraceContextLevel2Propagator() : new W3CBaggagePropagator(),
    ),
  });
}
