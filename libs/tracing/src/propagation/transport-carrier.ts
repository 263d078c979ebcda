import type { BaseRpcContext } from '@nestjs/microservices';
import type { TraceHeaders } from './trace-headers';

/**
 * How one transport carries trace headers next to a payload. Spans, naming and error handling live in
 * TracedRpcClient and TracedServer once for all transports; a carrier only knows where the headers go.
 */
export interface TransportCarrier {
  /** `messaging.system.name` for events on this transport. */
  readonly messagingSystem: string;
  /** Wraps an outgoing payload so the transport sends the headers along. */
  attach(payload: unknown, headers: TraceHeaders): unknown;
  /** Splits what a handler received into the original payload and the headers that came with it. */
  read(data: unknown, context: BaseRpcContext): { payload: unknown; headers: unknown };
}
