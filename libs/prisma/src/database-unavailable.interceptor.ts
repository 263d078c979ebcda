import { DomainError } from '@app/contracts';
import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { Observable, catchError, throwError } from 'rxjs';
import { isDatabaseUnavailable } from './prisma-errors';

/**
 * A database that is down is the service being unavailable, not a bug: message handlers answer SERVICE_UNAVAILABLE
 * (the gateway's 503, which a client may retry) instead of INTERNAL (500). The error itself is logged here, once per
 * failed call, as the answer does not carry it.
 */
@Injectable()
export class DatabaseUnavailableInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Database');

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (!isDatabaseUnavailable(error)) return throwError(() => error);
        this.logger.warn({ err: error }, 'database unavailable');
        return throwError(() => new DomainError('SERVICE_UNAVAILABLE', 'the database is unavailable'));
      }),
    );
  }
}
