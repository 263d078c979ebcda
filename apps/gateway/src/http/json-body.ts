import { BadRequestException } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

/** The largest JSON body the gateway parses; an order of 50 items is a few kilobytes. */
export const JSON_BODY_LIMIT = '100kb';

/** The deepest nesting a body may have; the API's deepest is 3 (an order, its items, an item). */
export const MAX_JSON_DEPTH = 32;

/**
 * The gateway's JSON body handling: body-parser (small bodies; gzip, deflate and br decoded), then checkJsonBody,
 * then explainBodyParserErrors for what the parser refused. Form and text bodies are refused later, by
 * JsonOnlyMiddleware (415).
 */
export function useJsonBody(app: NestExpressApplication): void {
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT });
  app.use(checkJsonBody, explainBodyParserErrors);
}

const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Refuses, with a 400, a parsed JSON body that no DTO should have to survive:
 * - nesting deeper than MAX_JSON_DEPTH: class-transformer and class-validator recurse through it, and a body of a few
 *   thousand levels overflowed the stack (a JSON.parse reviver did as well, so there is none);
 * - keys that reach an object's prototype: class-transformer skips them, so the validator's unknown-field check
 *   would never see them;
 * - U+0000 in a key or a string: PostgreSQL's text types cannot store it and the insert failed with a 500.
 * The services validate their own payloads again (see the contracts' DTOs); this check is the edge's.
 */
export function checkJsonBody(request: Request, _response: Response, next: NextFunction): void {
  const problem = findProblem(request.body, 'body', 0);
  next(problem === undefined ? undefined : new BadRequestException(problem));
}

function findProblem(value: unknown, path: string, depth: number): string | undefined {
  if (typeof value === 'string') {
    return value.includes('\u0000') ? `${path} must not contain NUL (\\u0000) characters` : undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth >= MAX_JSON_DEPTH) return `the request body is nested deeper than ${MAX_JSON_DEPTH} levels`;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const problem = findProblem(item, `${path}[${index}]`, depth + 1);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  for (const [key, field] of Object.entries(value)) {
    if (PROTOTYPE_KEYS.has(key)) return `"${key}" is not allowed in a request body`;
    if (key.includes('\u0000')) return `a key of ${path} contains a NUL (\\u0000) character`;
    const problem = findProblem(field, `${path}.${key}`, depth + 1);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/**
 * An Express error handler for what body-parser rejects, placed right after it. Most of its errors are already
 * exposable client errors that HttpErrorFilter answers with their own status and message (413, 415, broken JSON).
 * Two are not, and would become a 500 or show an internal message:
 * - a compressed body that does not decompress (`Content-Encoding: gzip` on plain JSON): body-parser passes zlib's
 *   error on with a 400 but no `type`, so nothing marks it as the client's;
 * - a parse failure that is not a SyntaxError (a RangeError from the engine).
 */
export function explainBodyParserErrors(error: unknown, request: Request, _response: Response, next: NextFunction) {
  const { status, type } = (error ?? {}) as { status?: unknown; type?: unknown };
  if (status === 400 && type === undefined && isCompressed(request)) {
    next(new BadRequestException('the request body does not decode as its Content-Encoding says'));
  } else if (type === 'entity.parse.failed' && !(error instanceof SyntaxError)) {
    next(new BadRequestException('the request body is not valid JSON'));
  } else {
    next(error);
  }
}

function isCompressed(request: Request): boolean {
  const encoding = request.headers['content-encoding'];
  return encoding !== undefined && encoding.toLowerCase() !== 'identity';
}
