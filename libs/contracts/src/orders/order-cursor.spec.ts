import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { decodeOrderCursor, encodeOrderCursor } from './order-cursor';
import { ListUserOrdersQuery, ORDER_PAGE_LIMIT } from './order.types';

const KEYSET = { createdAt: new Date('2026-12-01T21:00:00.123Z'), id: '5f1d7c1e-8a0b-4d7a-b3c2-6e9f0a1b2c3d' };
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe(decodeOrderCursor.name, () => {
  it('reads back what encodeOrderCursor wrote, as an opaque URL-safe string', () => {
    const cursor = encodeOrderCursor(KEYSET);

    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeOrderCursor(cursor)).toEqual(KEYSET);
  });

  it.each([
    ['an empty string', ''],
    ['non-base64url characters', 'abc+/='],
    ['base64 of text that is not JSON', Buffer.from('not json').toString('base64url')],
    ['a JSON object', encode({ createdAt: KEYSET.createdAt.toISOString(), id: KEYSET.id })],
    ['an array of three', encode([KEYSET.createdAt.toISOString(), KEYSET.id, 'x'])],
    ['an id that is not a UUID', encode([KEYSET.createdAt.toISOString(), 'robert; drop table'])],
    ['a date that is not ISO', encode(['Tue, 01 Dec 2026 21:00:00 GMT', KEYSET.id])],
    ['an impossible date', encode(['2026-13-45T00:00:00.000Z', KEYSET.id])],
    ['a number for the date', encode([0, KEYSET.id])],
    ['an overlong string', 'A'.repeat(129)],
  ])('refuses %s', (_case, cursor) => {
    expect(decodeOrderCursor(cursor)).toBeUndefined();
  });
});

describe(ListUserOrdersQuery.name, () => {
  const errors = (query: Record<string, unknown>) =>
    validateSync(plainToInstance(ListUserOrdersQuery, query)).map((error) => error.property);

  it('accepts no query, a limit from 1 to the maximum and a cursor of an earlier page', () => {
    expect(errors({})).toEqual([]);
    expect(errors({ limit: '1' })).toEqual([]);
    expect(errors({ limit: String(ORDER_PAGE_LIMIT.max), cursor: encodeOrderCursor(KEYSET) })).toEqual([]);
  });

  it.each([['0'], ['-1'], [String(ORDER_PAGE_LIMIT.max + 1)], ['1.5'], ['ten'], [''], [['1', '2']]])(
    'refuses the limit %j',
    (limit) => {
      expect(errors({ limit })).toEqual(['limit']);
    },
  );

  it('refuses a cursor it did not issue', () => {
    expect(errors({ cursor: 'bogus' })).toEqual(['cursor']);
    expect(errors({ cursor: [encodeOrderCursor(KEYSET)] })).toEqual(['cursor']);
  });
});
