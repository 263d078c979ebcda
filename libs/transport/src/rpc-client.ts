import { RpcClient } from '@app/contracts';
import { TransportCarrier, inOutgoingRpcSpan } from '@app/tracing';
import type { Attributes } from '@opentelemetry/api';
import { Observable, lastValueFrom, timeout } from 'rxjs';
import { toDomainError } from './transport-errors';

/** The part of Nest's ClientProxy a client needs; gRPC gets an adapter with the same shape. */
export interface RpcProxy {
  send<TResult>(pattern: string, message: unknown): Observable<TResult>;
}

export interface ProxyRpcClientOptions {
  carrier: TransportCarrier;
  /** RPC_TIMEOUT_MS: the longest a call waits for its answer (an event for its consumer's). */
  timeoutMs: number;
  /** Static attributes for every span, e.g. `server.address` and `server.port`. */
  attributes?: Attributes;
}

/**
 * An RpcClient over any Nest ClientProxy: each call carries its trace context (a span from @app/tracing), is
 * bounded by a timeout, and fails only with DomainErrors that have stable codes.
 */
export class ProxyRpcClient implements RpcClient {
  constructor(
    private readonly proxy: RpcProxy,
    private readonly options: ProxyRpcClientOptions,
  ) {}

  send<TResult>(pattern: string, payload: unknown): Promise<TResult> {
    return this.call(pattern, false, (data) => this.proxy.send<TResult>(pattern, data), payload);
  }

  /**
   * Delivers an event and resolves once its consumer has handled it. It goes out as a request (Nest's `send`), which
   * every Nest transport also routes to an @EventPattern handler, answered when the handler is done: Nest's own
   * `emit` resolves once the bytes are written, so an outbox counting on it lost the events of a consumer that died
   * or stalled (issue 13). The spans stay PRODUCER and CONSUMER, as the server registers the handler as an event's.
   */
  async emit(pattern: string, payload: unknown): Promise<void> {
    await this.call(pattern, true, (data) => this.proxy.send(pattern, data), payload);
  }

  private call<T>(pattern: string, isEvent: boolean, dispatch: (data: unknown) => Observable<T>, payload: unknown) {
    const { carrier, timeoutMs, attributes } = this.options;
    const operation = isEvent ? `send ${pattern}` : pattern;
    return inOutgoingRpcSpan({ pattern, isEvent, carrier, attributes }, async (headers) => {
      try {
        const response$ = dispatch(carrier.attach(payload, headers)).pipe(timeout(timeoutMs));
        return await lastValueFrom(response$, { defaultValue: undefined as T });
      } catch (error) {
        throw toDomainError(error, operation);
      }
    });
  }
}
