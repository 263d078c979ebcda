import { RpcClient } from '@app/contracts';
import { TransportCarrier, inOutgoingRpcSpan } from '@app/tracing';
import type { Attributes } from '@opentelemetry/api';
import { Observable, lastValueFrom, timeout } from 'rxjs';
import { toDomainError } from './transport-errors';

/** The part of Nest's ClientProxy a client needs; gRPC gets an adapter with the same shape. */
export interface RpcProxy {
  send<TResult>(pattern: string, message: unknown): Observable<TResult>;
  emit(pattern: string, message: unknown): Observable<unknown>;
}

export interface ProxyRpcClientOptions {
  carrier: TransportCarrier;
  /** RPC_TIMEOUT_MS: the longest a call waits for its answer (or an event for its write or ack). */
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

  async emit(pattern: string, payload: unknown): Promise<void> {
    await this.call(pattern, true, (data) => this.proxy.emit(pattern, data), payload);
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
