import { DomainError } from '@app/contracts';
import { orderTotalCents } from './order-total';

/** The largest value of a PostgreSQL integer column, where totalCents is stored. */
const MAX_TOTAL_CENTS = 2_147_483_647;

describe(orderTotalCents.name, () => {
  const sut = orderTotalCents;

  it('sums quantity × unit price over all items', () => {
    const total = sut([
      { sku: 'BOOK-001', quantity: 2, unitPriceCents: 1999 },
      { sku: 'PEN-7', quantity: 3, unitPriceCents: 250 },
      { sku: 'A-MUG', quantity: 1, unitPriceCents: 1200 },
    ]);

    expect(total).toBe(3998 + 750 + 1200);
  });

  it('gives the line total for a single item', () => {
    expect(sut([{ sku: 'X', quantity: 7, unitPriceCents: 13 }])).toBe(91);
  });

  it('accepts a total of exactly 2,147,483,647 cents', () => {
    // 2,147,483,647 = 7 × 306,783,378 + 1
    const total = sut([
      { sku: 'BULK', quantity: 7, unitPriceCents: 306_783_378 },
      { sku: 'ONE', quantity: 1, unitPriceCents: 1 },
    ]);

    expect(total).toBe(MAX_TOTAL_CENTS);
  });

  it('rejects a total one cent above the maximum with VALIDATION_FAILED', () => {
    const items = [
      { sku: 'BULK', quantity: 7, unitPriceCents: 306_783_378 },
      { sku: 'ONE', quantity: 2, unitPriceCents: 1 },
    ];

    const error = captureError(() => sut(items));

    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: `order total must not exceed ${MAX_TOTAL_CENTS} cents`,
    });
  });

  it('rejects the largest order validation allows (50 items × 1000 × 1,000,000 cents)', () => {
    const items = Array.from({ length: 50 }, (_, i) => ({
      sku: `SKU-${i}`,
      quantity: 1000,
      unitPriceCents: 1_000_000,
    }));

    expect(captureError(() => sut(items))).toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

function captureError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}
