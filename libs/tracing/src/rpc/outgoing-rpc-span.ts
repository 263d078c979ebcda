import { isNativeError } from 'node:util/types';
import { Attributes, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM_NAME,
  ATTR_RPC_METHOD,
  ATTR_RPC_SYSTEM_NAME,
  RPC_SYSTEM_NESTJS,
} from './semconv';
import { DurationMetric, recordDuration } from '../metrics/instruments';
import { TRACER_NAME } from '../traced/span-scope';
import { TraceHeaders, injectTraceHeaders } from './trace-headers';
import type { TransportCarrier } from './transport-carrier';

const tracer = trace.getTracer(TRACER_NAME);

/** One outgoing message: a request (`send`) that expects an answer, or an event (`emit`). */
export interface OutgoingRpc {
  pattern: string;
  isEvent: boolean;
  carrier: TransportCarrier;
  /** Static attributes for the span, e.g. `server.address` and `server.port`. */
  attributes?: Attributes;
}

/**
 * Runs `call` inside a CLIENT span (PRODUCER for events) and hands it the trace headers to send along, so the
 * receiver's span becomes a child of this one. Records the duration (`rpc.client.call.duration`,
 * `messaging.client.operation.duration`), with `error.type` on failure: the `code` of what `call` threw (a
 * DomainError's), else its name. The error's `cause`, when it has one, is what the span records as the exception:
 * a socket error says more than what it was mapped to.
 */
export function inOutgoingRpcSpan<T>(
  { pattern, isEvent, carrier, attributes: peer }: OutgoingRpc,
  call: (headers: TraceHeaders) => Promise<T>,
): Promise<T> {
  const [spanName, kind, metric, attributes]: [string, SpanKind, DurationMetric, Attributes] = isEvent
    ? [`send ${pattern}`, SpanKind.PRODUCER, 'messagingSend', producerAttributes(pattern, carrier)]
    : [
        pattern,
        SpanKind.CLIENT,
        'rpcClient',
        { [ATTR_RPC_SYSTEM_NAME]: RPC_SYSTEM_NESTJS, [ATTR_RPC_METHOD]: pattern },
      ];
  const startedAt = performance.now();
  return tracer.startActiveSpan(spanName, { kind, attributes: { ...peer, ...attributes } }, async (span) => {
    let errorType: string | undefined;
    try {
      // Injected inside the span, so the receiver's span becomes its child.
      return await call(injectTraceHeaders());
    } catch (error) {
      errorType = recordFailure(span, error);
      throw error;
    } finally {
      span.end();
      recordDuration(metric, startedAt, errorType ? { ...attributes, [ATTR_ERROR_TYPE]: errorType } : attributes);
    }
  });
}

function producerAttributes(pattern: string, carrier: TransportCarrier): Attributes {
  return {
    [ATTR_MESSAGING_SYSTEM_NAME]: carrier.messagingSystem,
    [ATTR_MESSAGING_DESTINATION_NAME]: pattern,
    [ATTR_MESSAGING_OPERATION_TYPE]: 'send',
    [ATTR_MESSAGING_OPERATION_NAME]: 'emit',
  };
}

// rxjs's TimeoutError is an Error by prototype but not a native one.
const isError = (value: unknown): value is Error => isNativeError(value) || value instanceof Error;

/** Returns the `error.type` recorded. */
function recordFailure(span: Span, error: unknown): string {
  const { code, name, message, cause } = (error ?? {}) as {
    code?: unknown;
    name?: unknown;
    message?: unknown;
    cause?: unknown;
  };
  const errorType = typeof code === 'string' ? code : typeof name === 'string' ? name : '_OTHER';
  const exception = [cause, error].find(isError);
  span.recordException(exception ?? { name: errorType, message: typeof message === 'string' ? message : '' });
  span.setAttribute(ATTR_ERROR_TYPE, errorType);
  span.setStatus({ code: SpanStatusCode.ERROR, message: typeof message === 'string' ? message : undefined });
  return errorType;
}
