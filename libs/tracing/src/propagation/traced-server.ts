import { DomainError } from '@app/contracts';
import type { BaseRpcContext, MessageHandler } from '@nestjs/microservices';
import { Attributes, Span, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { Observable, finalize, from, isObservable, tap, throwError } from 'rxjs';
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
import { entrySpanBaggage } from '../entry-span-baggage';
import { recordDuration } from '../metrics/instruments';
import { TRACER_NAME } from '../traced/span-scope';
import { InFlightHandlers } from './in-flight-handlers';
import { extractTraceContext } from './trace-headers';
import type { TransportCarrier } from './transport-carrier';

const tracer = trace.getTracer(TRACER_NAME);

/** The part of Nest's Server the mixin relies on; structural, so every transport's server class fits. */
interface HandlerRegistry {
  addHandler(
    pattern: unknown,
    callback: MessageHandler,
    isEventHandler?: boolean,
    extras?: Record<string, unknown>,
  ): void;
  close(): unknown;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a mixin base must accept any constructor
type ServerClass = new (...args: any[]) => HandlerRegistry;

/**
 * Adds trace context to any Nest transport server: every handler, for messages and events alike, runs inside
 * a SERVER (or CONSUMER) span that continues the caller's trace. It hooks `addHandler`, the public method Nest
 * uses to register each @MessagePattern and @EventPattern, so handlers, guards, pipes and interceptors all run
 * inside the span and need no code of their own.
 *
 * It also closes gracefully: on close it stops receiving where the transport allows (`stopReceiving`), answers
 * requests that still arrive with SERVICE_UNAVAILABLE (the caller's 503, instead of a reply lost with the socket),
 * finishes the handlers in flight, events included, and only then lets Nest close the transport.
 */
export interface TracedServerOptions {
  /** Contract patterns served without a span, such as health pings. */
  untracedPatterns?: ReadonlySet<string>;
}

export function TracedServer<TBase extends ServerClass>(
  Base: TBase,
  carrier: TransportCarrier,
  { untracedPatterns = new Set() }: TracedServerOptions = {},
) {
  class TracedServerMixin extends Base {
    readonly inFlight = new InFlightHandlers();

    override addHandler(
      pattern: unknown,
      callback: MessageHandler,
      isEventHandler = false,
      extras: Record<string, unknown> = {},
    ): void {
      const normalized = typeof pattern === 'string' ? pattern : JSON.stringify(pattern);
      const handler = untracedPatterns.has(normalized)
        ? untracedHandler(callback, carrier, this.inFlight)
        : traceHandler(normalized, callback, isEventHandler, carrier, this.inFlight);
      super.addHandler(pattern, handler, isEventHandler, extras);
    }

    /** Transports that can stop deliveries before closing (leave a queue group, cancel a consumer) do it here. */
    async stopReceiving(): Promise<void> {}

    /** Transports that buffer replies make sure the last ones went out here, before the connection closes. */
    async flushReplies(): Promise<void> {}

    override async close(): Promise<void> {
      await this.stopReceiving();
      await this.inFlight.drain();
      await this.flushReplies();
      await super.close();
    }
  }
  return TracedServerMixin;
}

function untracedHandler(
  handler: MessageHandler,
  carrier: TransportCarrier,
  inFlight: InFlightHandlers,
): MessageHandler {
  // Readiness pings are refused while draining too, so the caller sees the service going away.
  const unwrapping: MessageHandler = (data: unknown, rpcContext: BaseRpcContext) =>
    inFlight.accepting ? handler(carrier.read(data, rpcContext).payload, rpcContext) : Promise.resolve(refuse());
  untraced.set(unwrapping, handler);
  return forwardNext(unwrapping, handler);
}

function traceHandler(
  pattern: string,
  handler: MessageHandler,
  isEvent: boolean,
  carrier: TransportCarrier,
  inFlight: InFlightHandlers,
): MessageHandler {
  const [name, kind, attributes] = isEvent
    ? [`process ${pattern}`, SpanKind.CONSUMER, consumerAttributes(pattern, carrier)]
    : [pattern, SpanKind.SERVER, { [ATTR_RPC_SYSTEM_NAME]: RPC_SYSTEM_NESTJS, [ATTR_RPC_METHOD]: pattern }];

  const traced: MessageHandler = async (data: unknown, rpcContext: BaseRpcContext) => {
    // Events are still handled while draining: refusing one would lose it, as events get no answer.
    if (!isEvent && !inFlight.accepting) return refuse();
    const incoming = carrier.read(data, rpcContext);
    const payload = incoming.payload;
    const parent = incoming.context ?? extractTraceContext(incoming.headers);
    const span = tracer.startSpan(name, { kind, attributes: { ...attributes, ...entrySpanBaggage(parent) } }, parent);
    const active = trace.setSpan(parent, span);
    const startedAt = performance.now();
    const done = inFlight.start();
    let errorType: string | undefined;
    const fail = (error: unknown) => {
      errorType = recordError(span, error);
    };
    const finish = () => {
      done();
      span.end();
      const measured = errorType ? { ...attributes, [ATTR_ERROR_TYPE]: errorType } : attributes;
      recordDuration(isEvent ? 'messagingProcess' : 'rpcServer', startedAt, measured);
    };
    try {
      const result: unknown = await context.with(active, () => handler(payload, rpcContext));
      // Nest's RPC proxy returns an Observable that may still error (exception filters run inside it). With an
      // interceptor, the controller method itself only runs once Nest subscribes, outside context.with above: so
      // the subscription is made inside the span's context too, or that work would start a trace of its own.
      const result$ = isObservable(result) ? result : from([result]);
      const inSpan$ = new Observable<unknown>((subscriber) =>
        context.with(active, () => result$.subscribe(subscriber)),
      );
      return inSpan$.pipe(tap({ error: fail }), finalize(finish));
    } catch (error) {
      fail(error);
      finish();
      throw error;
    }
  };
  untraced.set(traced, handler);
  return forwardNext(traced, handler);
}

/** What a closing server answers to a new request: the payload RpcExceptionFilter sends, which callers map to 503. */
function refuse() {
  return throwError(() => new DomainError('SERVICE_UNAVAILABLE', 'service is shutting down').toPayload());
}

/** The handler each traced wrapper stands for. */
const untraced = new WeakMap<MessageHandler, MessageHandler>();

/**
 * Nest runs the further handlers of an event (same pattern, several methods) through `next` on the first one:
 * Server.addHandler sets `next` on the function registered, our wrapper, but Nest's handler reads it from itself.
 * Without forwarding, only the first handler would run. The next handler is handed over unwrapped, as the payload
 * it receives has had its headers removed: it runs inside the first handler's span.
 */
function forwardNext(traced: MessageHandler, handler: MessageHandler): MessageHandler {
  let next: MessageHandler['next'];
  return Object.defineProperty(traced, 'next', {
    get: () => next,
    set: (value: MessageHandler) => {
      next = value;
      handler.next = untraced.get(value) ?? value;
    },
  });
}

function consumerAttributes(pattern: string, carrier: TransportCarrier): Attributes {
  return {
    [ATTR_MESSAGING_SYSTEM_NAME]: carrier.messagingSystem,
    [ATTR_MESSAGING_DESTINATION_NAME]: pattern,
    [ATTR_MESSAGING_OPERATION_TYPE]: 'process',
    [ATTR_MESSAGING_OPERATION_NAME]: 'handle',
  };
}

/** Services answer with `{code, message}` payloads (see RpcExceptionFilter); raw errors are bugs. Returns `error.type`. */
function recordError(span: Span, error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = (error as { message?: unknown } | null)?.message;
  const errorType = typeof code === 'string' ? code : error instanceof Error ? error.name : '_OTHER';
  span.recordException(
    error instanceof Error ? error : { name: errorType, message: typeof message === 'string' ? message : '' },
  );
  span.setAttribute(ATTR_ERROR_TYPE, errorType);
  span.setStatus({ code: SpanStatusCode.ERROR, message: typeof message === 'string' ? message : undefined });
  return errorType;
}
