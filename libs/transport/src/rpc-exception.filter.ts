import { ArgumentsHost, Catch, Logger, RpcExceptionFilter as NestRpcExceptionFilter } from '@nestjs/common';
import { DomainError, RpcErrorPayload } from '@app/contracts';
import { Metadata } from '@grpc/grpc-js';
import { Observable, throwError } from 'rxjs';
import { toGrpcError } from './grpc-errors';

/**
 * The one exit for errors in a service: a DomainError goes back to the caller as `{code, message}`;
 * anything else is a bug, logged here in full and answered with a generic INTERNAL error that leaks nothing.
 * Over gRPC the same payload travels in a real gRPC status (see grpc-errors.ts).
 */
@Catch()
export class RpcExceptionFilter implements NestRpcExceptionFilter<unknown> {
  private readonly logger = new Logger(RpcExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): Observable<never> {
    const payload = exception instanceof DomainError ? exception.toPayload() : this.internal(exception, host);
    // gRPC hands a handler (data, metadata, call); every other transport's context is a Nest RpcContext.
    const isGrpc = host.switchToRpc().getContext() instanceof Metadata;
    return throwError(() => (isGrpc ? toGrpcError(payload) : payload));
  }

  private internal(exception: unknown, host: ArgumentsHost): RpcErrorPayload {
    const pattern = host.switchToRpc().getContext<{ getPattern?: () => string }>()?.getPattern?.();
    this.logger.error({ err: exception, pattern }, 'unhandled error in message handler');
    return { code: 'INTERNAL', message: 'Internal error' };
  }
}
