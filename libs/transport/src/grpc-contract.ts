import { ClientGrpc, GrpcMethodStreamingType, MessageHandler, ServerGrpc } from '@nestjs/microservices';
import { grpcMethodOf } from '@app/contracts';
import { Observable, catchError, throwError } from 'rxjs';
import { fromGrpcError } from './grpc-errors';
import type { RpcProxy } from './rpc-client';

/**
 * Serves contract patterns over gRPC: each @MessagePattern('user.get') or @EventPattern('order.created') is
 * registered under the .proto method the contract maps it to (UserService.Get), so controllers never name gRPC.
 */
export class ContractGrpcServer extends ServerGrpc {
  override addHandler(pattern: unknown, callback: MessageHandler, isEventHandler = false): void {
    if (typeof pattern !== 'string') return super.addHandler(pattern, callback, isEventHandler);
    const { service, method } = grpcMethodOf(pattern);
    // Over gRPC an event is a unary call too, answered once its handler is done.
    const grpcPattern = { service, rpc: method, streaming: GrpcMethodStreamingType.NO_STREAMING };
    super.addHandler(grpcPattern, callback, false);
  }
}

type UnaryMethod = (request: unknown) => Observable<unknown>;

/**
 * Nest's gRPC client has no `send(pattern, data)`; this gives it one, by looking the pattern up in the contract's
 * method table, so ProxyRpcClient and the typed clients work over gRPC unchanged. An event is a unary call too.
 */
export class GrpcRpcProxy implements RpcProxy {
  private readonly services = new Map<string, Record<string, UnaryMethod>>();

  constructor(private readonly client: ClientGrpc) {}

  send<TResult>(pattern: string, message: unknown): Observable<TResult> {
    const { service, method } = grpcMethodOf(pattern);
    return (this.service(service)[method](message) as Observable<TResult>).pipe(
      catchError((error: unknown) => throwError(() => fromGrpcError(error))),
    );
  }

  private service(name: string): Record<string, UnaryMethod> {
    let service = this.services.get(name);
    if (!service) {
      service = this.client.getService<Record<string, UnaryMethod>>(name);
      this.services.set(name, service);
    }
    return service;
  }
}
