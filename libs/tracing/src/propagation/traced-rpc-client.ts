import { isNativeError } from 'node:util/types';
import { EmptyResponseException } from '@nestjs/microservices/errors/empty-response.exception';
import { Attributes, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { DomainError, RpcClient } from '@app/contracts';
import { Observable, TimeoutError, lastValueFrom, timeout } from 'rxjs';
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
import { injectTraceHeaders } from './trace-headers';
import type { TransportCarrier } from './transport-carrier';

/** The part of Nest's ClientProxy a client needs; gRPC gets an adapter with the same shape. */
export interface RpcProxy {
  send<TResult>(pattern: string, message: unknown): Observable<TResult>;
}

export interface TracedRpcClientOptions {
  carrier: TransportCarrier;
  timeoutMs: number;
  /** Static attributes for every span, e.g. `server.address` and `server.port`. */
  attributes?: Attributes;
}

const tracer = trace.getTracer(TRACER_NAME);

/** Connection failures that mean "the service is not there", as opposed to "it failed". */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);
/** Nest's TCP client fails calls in flight with this plain Error (no code) when the peer goes away. */
const CONNECTION_CLOSED = 'Connection closed';

/**
 * An RpcClient over any Nest ClientProxy. Each call gets a CLIENT span (PRODUCER for events) whose
 * context travels with the message, a timeout, and errors translated to DomainErrors with stable codes.
 */
export class TracedRpcClient implements RpcClient {
  constructor(
    private readonly proxy: RpcProxy,
    private readonly options: TracedRpcClientOptions,
  ) {}

  send<TResult>(pattern: string, payload: unknown): Promise<TResult> {
    return this.traced(
      pattern,
      SpanKind.CLIENT,
      'rpcClient',
      { [ATTR_RPC_SYSTEM_NAME]: RPC_SYSTEM_NESTJS, [ATTR_RPC_METHOD]: pattern },
      (headers) => this.proxy.send<TResult>(pattern, this.options.carrier.attach(payload, headers)),
    );
  }

  /**
   * Delivers an event and resolves once its consumer has handled it. It goes out as a request (Nest's `send`), which
   * every Nest transport also routes to an @EventPattern handler, answered when the handler is done: Nest's own
   * `emit` resolves once the bytes are written, so an outbox counting on it lost the events of a consumer that died
   * or stalled (issue 13). The spans stay PRODUCER and CONSUMER, as the server registers the handler as an event's.
   */
  async emit(pattern: string, payload: unknown): Promise<void> {
    await this.traced(
      `send ${pattern}`,
      SpanKind.PRODUCER,
      'messagingSend',
      {
        [ATTR_MESSAGING_SYSTEM_NAME]: this.options.carrier.messagingSystem,
        [ATTR_MESSAGING_DESTINATION_NAME]: pattern,
        [ATTR_MESSAGING_OPERATION_TYPE]: 'send',
        [ATTR_MESSAGING_OPERATION_NAME]: 'emit',
      },
      (headers) => this.proxy.send(pattern, this.options.carrier.attach(payload, headers)),
    );
  }

  /** One call: a span, a duration measurement (same attributes, plus `error.type` on failure), a timeout. */
  private traced<T>(
    spanName: string,
    kind: SpanKind,
    metric: DurationMetric,
    attributes: Attributes,
    call: (headers: Record<string, string>) => Observable<T>,
  ): Promise<T> {
    const spanOptions = { kind, attributes: { ...this.options.attributes, ...attributes } };
    const startedAt = performance.now();
    return tracer.startActiveSpan(spanName, spanOptions, async (span) => {
      let errorType: string | undefined;
      try {
        // Inject inside the span so the receiver's span becomes its child.
        const response$ = call(injectTraceHeaders()).pipe(timeout(this.options.timeoutMs));
        return await lastValueFrom(response$, { defaultValue: undefined as T });
      } catch (error) {
        const failure = toDomainError(error, spanName);
        recordFailure(span, error, failure);
        errorType = failure.code;
        throw failure;
      } finally {
        span.end();
        recordDuration(metric, startedAt, errorType ? { ...attributes, [ATTR_ERROR_TYPE]: errorType } : attributes);
      }
    });
  }
}

/** Maps whatever the transport threw to a DomainError with a stable code the gateway can map. */
export function toDomainError(error: unknown, operation: string): DomainError {
  if (error instanceof DomainError) return error;
  const remote = DomainError.fromPayload(error);
  if (remote) return remote;
  if (error instanceof TimeoutError) {
    return new DomainError('SERVICE_TIMEOUT', `${operation} did not answer in time`);
  }
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  // NATS answers a request nobody subscribes to at once, and Nest reports it as an EmptyResponseException.
  if (UNREACHABLE_CODES.has(code ?? '') || message === CONNECTION_CLOSED || error instanceof EmptyResponseException) {
    return new DomainError('SERVICE_UNAVAILABLE', `${operation} is unreachable`);
  }
  return new DomainError('INTERNAL', `${operation} failed`);
}

function recordFailure(span: Span, cause: unknown, failure: DomainError): void {
  // The original error (a socket error, a timeout) says more than the mapped one.
  span.recordException(isNativeError(cause) || cause instanceof Error ? cause : failure);
  span.setAttribute(ATTR_ERROR_TYPE, failure.code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
}
