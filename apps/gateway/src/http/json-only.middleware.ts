import { Injectable, NestMiddleware, UnsupportedMediaTypeException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/** The largest JSON body the gateway parses; an order of 50 items is a few kilobytes. */
export const JSON_BODY_LIMIT = '100kb';

const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * JSON.parse reviver: keys that reach an object's prototype are refused while parsing (body-parser answers 400).
 * class-transformer skips them, so the validator's unknown-field check would otherwise never see them.
 */
export function rejectPrototypeKeys(key: string, value: unknown): unknown {
  if (PROTOTYPE_KEYS.has(key)) throw new SyntaxError(`"${key}" is not allowed in a request body`);
  return value;
}

/** The API speaks JSON: a request that carries a body of any other type gets 415 instead of being half-understood. */
@Injectable()
export class JsonOnlyMiddleware implements NestMiddleware {
  use(request: Request, _response: Response, next: NextFunction): void {
    const hasBody =
      Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
    if (hasBody && !request.is(['application/json', 'application/*+json'])) {
      throw new UnsupportedMediaTypeException('Content-Type must be application/json');
    }
    next();
  }
}
