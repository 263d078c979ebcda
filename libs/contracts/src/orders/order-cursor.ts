import { ValidateBy, type ValidationOptions, isUUID } from 'class-validator';

/** Where a page of a user's orders ends: the keyset (createdAt, id) of its last, oldest order. */
export interface OrderCursor {
  createdAt: Date;
  id: string;
}

/** Longer than any cursor encodeOrderCursor makes (about 90 characters); longer input is refused unread. */
const MAX_CURSOR_LENGTH = 128;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * The opaque `nextCursor` of a page: base64url of `[createdAt, id]`. Clients pass it back unchanged; the encoding
 * is not part of the API, so it can change without breaking them.
 */
export function encodeOrderCursor({ createdAt, id }: OrderCursor): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');
}

/** The keyset a cursor stands for, or undefined for anything encodeOrderCursor did not make. */
export function decodeOrderCursor(cursor: string): OrderCursor | undefined {
  if (cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor)) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) return undefined;
  const [createdAt, id] = decoded as unknown[];
  if (typeof createdAt !== 'string' || typeof id !== 'string' || !isUUID(id)) return undefined;
  const date = new Date(createdAt);
  // Only the exact ISO form encodeOrderCursor writes: no other date syntax sneaks into the query.
  if (Number.isNaN(date.getTime()) || date.toISOString() !== createdAt) return undefined;
  return { createdAt: date, id };
}

/** A string decodeOrderCursor accepts: the same rule at the gateway and in the order service. */
export function IsOrderCursor(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isOrderCursor',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && decodeOrderCursor(value) !== undefined,
        defaultMessage: () => 'cursor must be a nextCursor returned by an earlier page',
      },
    },
    options,
  );
}
