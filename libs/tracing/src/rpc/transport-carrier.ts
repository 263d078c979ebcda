import type { BaseRpcContext } from '@nestjs/microservices';
import type { Context } from '@opentelemetry/api';
import type { TraceHeaders } from './trace-headers';

/** What a handler received, split into the original payload and where its trace context comes from. */
export interface IncomingMessage {
  payload: unknown;
  /** Headers as they came off the wire; extracted with the W3C propagators. */
  headers?: unknown;
  /** A context already extracted by the transport's own instrumentation (gRPC); wins over `headers`. */
  context?: Context;
}

/**
 * How one transport carries trace headers next to a payload. Spans and their names live once for all transports
 * in outgoing-rpc-span.ts and incoming-rpc-span.ts; a carrier only knows where the headers go.
 */
export interface TransportCarrier {
  /** `messaging.system.name` for events on this transport. */
  readonly messagingSystem: string;
  /** Wraps an outgoing payload so the transport sends the headers along. */
  attach(payload: unknown, headers: TraceHeaders): unknown;
  /** Splits what a handler received into the payload and its trace context. */
  read(data: unknown, context: BaseRpcContext): IncomingMessage;
}
