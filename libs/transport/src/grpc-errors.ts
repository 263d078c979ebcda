import { ErrorCode, RpcErrorPayload } from '@app/contracts';
import { status } from '@grpc/grpc-js';

/** gRPC needs a numeric status; the domain code rides along in the details, as JSON. */
const GRPC_STATUS: Record<ErrorCode, status> = {
  VALIDATION_FAILED: status.INVALID_ARGUMENT,
  USER_NOT_FOUND: status.NOT_FOUND,
  USER_EMAIL_TAKEN: status.ALREADY_EXISTS,
  ORDER_NOT_FOUND: status.NOT_FOUND,
  ORDER_USER_UNKNOWN: status.FAILED_PRECONDITION,
  ORDER_IDEMPOTENCY_KEY_REUSED: status.ALREADY_EXISTS,
  SERVICE_UNAVAILABLE: status.UNAVAILABLE,
  SERVICE_TIMEOUT: status.DEADLINE_EXCEEDED,
  INTERNAL: status.INTERNAL,
};

/** The error a gRPC handler returns for a domain error: a real gRPC status, and the payload in `details`. */
export function toGrpcError(payload: RpcErrorPayload): { code: status; message: string } {
  return { code: GRPC_STATUS[payload.code], message: JSON.stringify(payload) };
}

/** Reads back what toGrpcError sent; transport failures (UNAVAILABLE without a payload) keep a socket-like code. */
export function fromGrpcError(error: unknown): unknown {
  const { code, details } = (error ?? {}) as { code?: number; details?: string };
  if (typeof details === 'string' && details.startsWith('{')) {
    try {
      return JSON.parse(details) as unknown;
    } catch {
      return error;
    }
  }
  return code === status.UNAVAILABLE ? { code: 'ECONNREFUSED', message: details } : error;
}
