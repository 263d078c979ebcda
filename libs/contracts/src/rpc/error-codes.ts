/**
 * Stable codes for failures that cross a service boundary. Services raise them; the gateway maps each to
 * an HTTP status in one table (apps/gateway/src/errors/error-status.ts).
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'USER_NOT_FOUND',
  'USER_EMAIL_TAKEN',
  'ORDER_NOT_FOUND',
  'ORDER_USER_UNKNOWN',
  /** An Idempotency-Key sent again with a different order. */
  'ORDER_IDEMPOTENCY_KEY_REUSED',
  'SERVICE_UNAVAILABLE',
  'SERVICE_TIMEOUT',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** The error body a service sends back over any transport. */
export interface RpcErrorPayload {
  code: ErrorCode;
  message: string;
}
