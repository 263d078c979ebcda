import { IDEMPOTENCY_KEY_PATTERN, IDEMPOTENCY_KEY_RULE } from '@app/contracts';
import { BadRequestException, ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { Request } from 'express';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** The header's value when it is absent or valid; a 400 (the documented error body) when it is malformed. */
export function parseIdempotencyKey(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  // Node joins repeated custom headers into one string; an array would only come from a set-cookie-like header.
  if (typeof value !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(value)) {
    throw new BadRequestException(IDEMPOTENCY_KEY_RULE);
  }
  return value;
}

/**
 * The request's Idempotency-Key, validated. A param decorator rather than `@Headers()` plus a pipe, because Nest runs
 * no pipes, the global ValidationPipe included, on `@Headers()` parameters.
 */
export const IdempotencyKey = createParamDecorator((_data: unknown, execution: ExecutionContext) =>
  parseIdempotencyKey(execution.switchToHttp().getRequest<Request>().headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()]),
);
