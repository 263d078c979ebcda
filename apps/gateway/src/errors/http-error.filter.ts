import { STATUS_CODES } from 'node:http';
import { DomainError } from '@app/contracts';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import type { Request, Response } from 'express';
import { ErrorBody } from './error-body';
import { ERROR_STATUS } from './error-status';

/**
 * The gateway's one exit for errors: every failure becomes the same JSON body, carrying the trace id and the
 * request id. A 5xx says nothing about its cause; the cause is logged, under the same trace id.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request & { id?: string }>();
    const response = http.getResponse<Response>();
    const { statusCode, message } = describe(exception);

    // Unexpected errors are bugs; an HttpException, a DomainError or a rejected body is an answer someone chose.
    const chosen =
      exception instanceof HttpException || exception instanceof DomainError || isClientBodyError(exception);
    const span = trace.getActiveSpan();
    if (!chosen) {
      this.logger.error({ err: exception }, `request failed with ${statusCode}`);
      // The HTTP span marks a 5xx as an error but knows nothing of its cause; the trace should show where it broke.
      if (exception instanceof Error) span?.recordException(exception);
    } else if (statusCode >= 500) {
      this.logger.warn({ err: exception }, `request answered ${statusCode}`);
    }
    const body: ErrorBody = {
      statusCode,
      error: STATUS_CODES[statusCode] ?? 'Error',
      message,
      traceId: span?.spanContext().traceId ?? null,
      requestId: request.id ?? null,
    };
    response.status(statusCode).json(body);
  }
}

function describe(exception: unknown): { statusCode: number; message: string } {
  if (exception instanceof DomainError) {
    const statusCode: number = ERROR_STATUS[exception.code];
    return { statusCode, message: statusCode >= 500 ? publicMessage(statusCode) : exception.message };
  }
  if (isClientBodyError(exception)) {
    return { statusCode: exception.status, message: exception.message };
  }
  if (exception instanceof HttpException) {
    const statusCode = exception.getStatus();
    return { statusCode, message: statusCode >= 500 ? publicMessage(statusCode) : httpMessage(exception) };
  }
  return { statusCode: 500, message: publicMessage(500) };
}

// ValidationPipe puts a list of messages in the response; join them so `message` is always a string.
function httpMessage(exception: HttpException): string {
  const response = exception.getResponse();
  const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

const PUBLIC_MESSAGES: Record<number, string> = {
  [HttpStatus.SERVICE_UNAVAILABLE]: 'A service this request needs is unavailable',
  [HttpStatus.GATEWAY_TIMEOUT]: 'A service this request needs did not answer in time',
};

/** A 5xx body never carries the cause's message, which may hold internals; the log has it. */
function publicMessage(statusCode: number): string {
  return PUBLIC_MESSAGES[statusCode] ?? 'Internal server error';
}

/**
 * body-parser rejects a body before Nest sees the request (too large: 413, broken JSON: 400, bad charset: 415) with
 * an error that is not an HttpException; it marks client errors `expose`, meaning the message is safe to show.
 */
function isClientBodyError(exception: unknown): exception is { status: number; message: string } {
  const { status, expose, type } = (exception ?? {}) as { status?: unknown; expose?: unknown; type?: unknown };
  return typeof status === 'number' && status >= 400 && status < 500 && expose === true && typeof type === 'string';
}
