import { createHash } from 'node:crypto';
import { CreateOrderRequest } from '@app/contracts';

/**
 * A digest of what an order request asks for, to tell a retry (same key, same request) from a reuse of the key for
 * another order. Built from the validated request field by field, in a fixed order, so the JSON key order or extra
 * whitespace a client sent cannot change it; item order does, as it is part of the order.
 */
export function requestFingerprint({ userId, items }: CreateOrderRequest): string {
  const canonical = JSON.stringify([
    userId,
    items.map(({ sku, quantity, unitPriceCents }) => [sku, quantity, unitPriceCents]),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}
