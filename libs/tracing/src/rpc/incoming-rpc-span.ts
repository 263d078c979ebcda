import type { BaseRpcContext, MessageHandler } from '@nestjs/microservices';
import { Attributes, Span, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { Observable, finalize, from, isObservable, tap } from 'rxjs';
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
import { extractTraceContext } from './trace-headers';
import type { TransportCarrier } from './transport-carrier';

const tracer = trace.getTracer(TRACER_NAME);

/** What a server knows of an incoming message when it registers its handler. */
export interface IncomingRpc {
  /** The contract pattern (`user.get`), already normalised to a string. */
  pattern: string;
  /** An @EventPattern: a CONSUMER span and messaging attributes instead of a SERVER span. */
  isEvent: boolean;
  carrier: TransportCarrier;
}

/** A handler that always answers with an Observable, so a wrapper around it can tell when the reply is done. */
export type ObservableHandler = (data: unknown, rpcContext: BaseRpcContext) => Promise<Observable<unknown>>;

/**
 * Runs a Nest message handler inside a SERVER span (CONSUMER for events) that continues the caller's trace, read
 * from the transport's carrier, and records the handler's duration (`rpc.server.call.duration`,
 * `messaging.process.duration`). The span ends when the reply Observable completes or errors.
 */
export function withIncomingRpcSpan(
  handler: MessageHandler,
  { pattern, isEvent, carrier }: IncomingRpc,
): ObservableHandler {
  const [name, kind, attributes] = isEvent
    ? [`process ${pattern}`, SpanKind.CONSUMER, consumerAttributes(pattern, carrier)]
    : [pattern, SpanKind.SERVER, { [ATTR_RPC_SYSTEM_NAME]: RPC_SYSTEM_NESTJS, [ATTR_RPC_METHOD]: pattern }];

  return async (data: unknown, rpcContext: BaseRpcContext) => {
    const incoming = carrier.read(data, rpcContext);
    const parent = incoming.context ?? extractTraceContext(incoming.headers);
    const span = tracer.startSpan(name, { kind, attributes: { ...attributes, ...entrySpanBaggage(parent) } }, parent);
    const active = trace.setSpan(parent, span);
    const startedAt = performance.now();
    let errorType: string | undefined;
    const fail = (error: unknown) => {
      errorType = recordError(span, error);
    };
    const finish = () => {
      span.end();
      const measured = errorType ? { ...attributes, [ATTR_ERROR_TYPE]: errorType } : attributes;
      recordDuration(isEvent ? 'messagingProcess' : 'rpcServer', startedAt, measured);
    };
    try {
      const result: unknown = await context.with(active, () => handler(incoming.payload, rpcContext));
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
}

/** For patterns served without a span (health pings): only takes the payload out of the carrier. */
export function withoutRpcSpan(handler: MessageHandler, carrier: TransportCarrier): ObservableHandler {
  return async (data: unknown, rpcContext: BaseRpcContext) => {
    const result: unknown = await handler(carrier.read(data, rpcContext).payload, rpcContext);
    return isObservable(result) ? result : from([result]);
  };
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
