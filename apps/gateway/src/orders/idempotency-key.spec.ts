import { BadRequestException } from '@nestjs/common';
import { parseIdempotencyKey } from './idempotency-key';

describe(parseIdempotencyKey.name, () => {
  const sut = parseIdempotencyKey;

  it('is undefined when the header is absent', () => {
    expect(sut(undefined)).toBeUndefined();
  });

  it.each([
    ['a UUID', '8e03978e-40d5-43e8-bc93-6894a57f9324'],
    ['one character', 'k'],
    ['255 characters', 'k'.repeat(255)],
    ['every printable ASCII character', String.fromCharCode(...Array.from({ length: 95 }, (_, i) => 0x20 + i))],
  ])('accepts %s unchanged', (_case, key) => {
    expect(sut(key)).toBe(key);
  });

  it.each([
    ['an empty value', ''],
    ['256 characters', 'k'.repeat(256)],
    ['a non-ASCII character', 'café'],
    ['a control character', 'key\u0007'],
    ['a DEL', 'key\u007f'],
    ['an array', ['a', 'b']],
  ])('answers 400 to %s', (_case, value) => {
    expect(() => sut(value)).toThrow(
      new BadRequestException('Idempotency-Key must be 1 to 255 printable ASCII characters'),
    );
  });
});
