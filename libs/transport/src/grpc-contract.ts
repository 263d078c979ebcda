import { ClientGrpc } from '@nestjs/microservices';
import { grpcMethodOf, patternOfGrpcMethod } from '@app/contracts';
import { RpcProxy, grpcCarrier } from '@app/tracing';
import { Observable, catchError, throwError } from 'rxjs';
import { fromGrpcError } from './grpc-errors';

/** gRPC patterns are `{"service":…,"rpc":…}`; spans and contracts speak in patterns such as `user.get`. */
export const grpcContractCarrier = grpcCarrier((registered) => {
  const pattern = registered.startsWith('{') ? contractPatternOf(registered) : undefined;
  return pattern ? { pattern, isEvent: grpcMethodOf(pattern).isEvent } : { pattern: registered, isEvent: false };
});

function contractPatternOf(registered: string): string | undefined {
  const { service, rpc } = JSON.parse(registered) as { service?: string; rpc?: string };
  return service && rpc ? patternOfGrpcMethod(service, rpc) : undefined;
}

type UnaryMethod = (request: unknown) => Observable<unknown>;

/**
 * Nest's gRPC client has no `send(pattern, data)`; this gives it one, by looking the pattern up in the contract's
 * method table, so TracedRpcClient and the typed clients work over gRPC unchanged. An event is a unary call.
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

  emit(pattern: string, message: unknown): Observable<unknown> {
    return this.send(pattern, message);
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
