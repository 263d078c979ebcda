import { EmptyResponseException } from '@nestjs/microservices/errors/empty-response.exception';
import { DomainError } from '@app/contracts';
import { TimeoutError } from 'rxjs';

/** Connection failures that mean "the service is not there", as opposed to "it failed". */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);
/** Nest's TCP client fails calls in flight with this plain Error (no code) when the peer goes away. */
const CONNECTION_CLOSED = 'Connection closed';

/**
 * Maps whatever the transport threw to a DomainError with a stable code the gateway can map: the remote service's
 * own DomainError, SERVICE_TIMEOUT, SERVICE_UNAVAILABLE when nothing answers, INTERNAL otherwise. The original
 * error is kept as the `cause`.
 */
export function toDomainError(error: unknown, operation: string): DomainError {
  if (error instanceof DomainError) return error;
  const remote = DomainError.fromPayload(error);
  if (remote) return remote;
  if (error instanceof TimeoutError) {
    return new DomainError('SERVICE_TIMEOUT', `${operation} did not answer in time`, { cause: error });
  }
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  // NATS answers a request nobody subscribes to at once, and Nest reports it as an EmptyResponseException.
  if (UNREACHABLE_CODES.has(code ?? '') || message === CONNECTION_CLOSED || error instanceof EmptyResponseException) {
    return new DomainError('SERVICE_UNAVAILABLE', `${operation} is unreachable`, { cause: error });
  }
  return new DomainError('INTERNAL', `${operation} failed`, { cause: error });
}
