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
