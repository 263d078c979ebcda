import { Context, ROOT_CONTEXT, TextMapGetter, context, propagation } from '@opentelemetry/api';

/** The W3C headers that ride on every message: traceparent, tracestate and baggage. */
export type TraceHeaders = Record<string, string>;

// Generous caps: W3C allows 512 bytes of tracestate and 8 KiB of baggage; anything bigger is hostile.
const MAX_HEADERS = 8;
const MAX_VALUE_LENGTH = 8192;

/** Serialises the active (or given) context with the globally registered propagator. */
export function injectTraceHeaders(from: Context = context.active()): TraceHeaders {
  const headers: TraceHeaders = {};
  propagation.inject(from, headers);
  return headers;
}

/**
 * Reads trace context from whatever a message carried. Anything malformed is ignored, never thrown:
 * the message is then handled under a new trace, as W3C Trace Context requires.
 */
export function extractTraceContext(carrier: unknown): Context {
  return propagation.extract(ROOT_CONTEXT, sanitizeTraceHeaders(carrier), headerGetter);
}

/** Keeps at most a few short string entries from an untrusted object. */
export function sanitizeTraceHeaders(carrier: unknown): TraceHeaders {
  if (typeof carrier !== 'object' || carrier === null || Array.isArray(carrier)) return {};
  const clean: TraceHeaders = {};
  for (const [key, value] of Object.entries(carrier).slice(0, MAX_HEADERS)) {
    const text = headerValue(value);
    if (text !== undefined && text.length <= MAX_VALUE_LENGTH) clean[key.toLowerCase()] = text;
  }
  return clean;
}

// Brokers hand headers over as strings, Buffers or one-element arrays of them. Only one level is unwrapped:
// recursing into nested arrays would let a deeply nested value overflow the stack.
function headerValue(value: unknown): string | undefined {
  const single: unknown = Array.isArray(value) && value.length === 1 ? value[0] : value;
  if (typeof single === 'string') return single;
  if (Buffer.isBuffer(single)) return single.toString('utf8');
  return undefined;
}

const headerGetter: TextMapGetter<TraceHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key.toLowerCase()],
};
