/**
 * What a typed client needs from a transport. The tracing library implements it on top of Nest's
 * ClientProxy, adding spans, trace context and timeouts, so the typed clients stay transport-free.
 */
export interface RpcClient {
  send<TResult>(pattern: string, payload: unknown): Promise<TResult>;
  /** Resolves once the event's consumer has handled it (its acknowledgement), not merely once it is sent. */
  emit(pattern: string, payload: unknown): Promise<void>;
}

/** The answer to a readiness ping. */
export interface PingResponse {
  ok: boolean;
}
