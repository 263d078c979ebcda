/** Prisma's code for a unique constraint violation (https://www.prisma.io/docs/orm/reference/error-reference). */
export const UNIQUE_VIOLATION = 'P2002';

/** True when `error` is a Prisma known request error with the given code; no import of a generated client needed. */
export function isPrismaError(error: unknown, code: string): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: string }).name === 'PrismaClientKnownRequestError' &&
    (error as { code?: string }).code === code
  );
}

/**
 * Prisma's codes for a database it cannot reach (P1001), that timed out (P1002, P1008), that closed the connection
 * mid-query (P1017), or whose pool gave no connection in time (P2024).
 */
const UNAVAILABLE_CODES = ['P1001', 'P1002', 'P1008', 'P1017', 'P2024'];

/**
 * node-postgres's errors for a connection lost or timed out under a query (pg/lib/client.js, pg-pool). They carry no
 * code, and Prisma passes them through unmapped when a pooled connection dies between checkout and query.
 */
const CONNECTION_LOST = /^(Connection terminated|timeout exceeded when trying to connect|Query read timeout)/;

/** True when `error` says the database is unreachable or gone, rather than that the query was wrong. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
  return (
    UNAVAILABLE_CODES.some((code) => isPrismaError(error, code)) ||
    name === 'PrismaClientInitializationError' ||
    (typeof message === 'string' && CONNECTION_LOST.test(message))
  );
}
