import { ArgumentsHost, Catch, Logger, RpcExceptionFilter as NestRpcExceptionFilter } from '@nestjs/common';
import { DomainError, RpcErrorPayload } from '@app/contracts';
import { Observable, throwError } from 'rxjs';

/**
 * The one exit for errors in a service: a DomainError goes back to the caller as `{code, message}`;
 * anything else is a bug, logged here in full and answered with a generic INTERNAL error that leaks nothing.
 */
@Catch()
export class RpcExceptionFilter implements NestRpcExceptionFilter<unknown> {
  private readonly logger = new Logger(RpcExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): Observable<never> {
    if (exception instanceof DomainError) {
      return throwError(() => exception.toPayload());
    }
    const pattern = host.switchToRpc().getContext<{ getPattern?: () => string }>()?.getPattern?.();
    this.logger.error({ err: exception, pattern }, 'unhandled error in message handler');
    const payload: RpcErrorPayload = { code: 'INTERNAL', message: 'Internal error' };
    return throwError(() => payload);
  }
}
