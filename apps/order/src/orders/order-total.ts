import { DomainError, OrderItemInput } from '@app/contracts';

/** totalCents is a PostgreSQL integer column. */
const MAX_TOTAL_CENTS = 2_147_483_647;

export function orderTotalCents(items: readonly OrderItemInput[]): number {
  const total = items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0);
  if (total > MAX_TOTAL_CENTS) {
    throw new DomainError('VALIDATION_FAILED', `order total must not exceed ${MAX_TOTAL_CENTS} cents`);
  }
  return total;
}
