import { CreateOrderRequest } from '@app/contracts';
import { requestFingerprint } from './request-fingerprint';

const USER_ID = '0b6c5a52-3d5e-4c1f-9a57-0f2f4c1b8e11';
const request: CreateOrderRequest = {
  userId: USER_ID,
  items: [
    { sku: 'BOOK-001', quantity: 2, unitPriceCents: 1999 },
    { sku: 'PEN-7', quantity: 3, unitPriceCents: 250 },
  ],
};

describe(requestFingerprint.name, () => {
  const sut = requestFingerprint;

  it('is a SHA-256 hex digest', () => {
    expect(sut(request)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is the same for the same request, whatever the order of its JSON keys', () => {
    const reordered = {
      items: request.items.map(({ sku, quantity, unitPriceCents }) => ({ unitPriceCents, quantity, sku })),
      userId: USER_ID,
    };

    expect(sut(reordered)).toBe(sut(request));
  });

  it.each<[string, CreateOrderRequest]>([
    ['another user', { ...request, userId: '5f1d7c1e-8a0b-4d7a-b3c2-6e9f0a1b2c3d' }],
    ['another quantity', { ...request, items: [{ ...request.items[0], quantity: 3 }, request.items[1]] }],
    ['another price', { ...request, items: [request.items[0], { ...request.items[1], unitPriceCents: 251 }] }],
    ['another sku', { ...request, items: [{ ...request.items[0], sku: 'BOOK-002' }, request.items[1]] }],
    ['the items in another order', { ...request, items: [request.items[1], request.items[0]] }],
    ['one item fewer', { ...request, items: [request.items[0]] }],
  ])('differs for %s', (_case, other) => {
    expect(sut(other)).not.toBe(sut(request));
  });
});
