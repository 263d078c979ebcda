import { REDACTED } from './redact-url';
import { MAX_REDACTION_DEPTH, redactFields, redactHeaders } from './redact-fields';

describe(redactHeaders.name, () => {
  it('redacts credential-like headers by pattern and the userinfo of URL-valued ones', () => {
    const sut = redactHeaders;

    expect(
      sut({
        'x-auth-token': 'a',
        'x-access-token': 'b',
        'x-csrf-token': 'c',
        'x-amz-security-token': 'd',
        authentication: 'e',
        'set-cookie': ['s=1', 's=2'],
        referer: 'https://ada:hunter2@shop.example/cart?jwt=f&page=2',
        'user-agent': 'curl/8',
      }),
    ).toEqual({
      'x-auth-token': REDACTED,
      'x-access-token': REDACTED,
      'x-csrf-token': REDACTED,
      'x-amz-security-token': REDACTED,
      authentication: REDACTED,
      'set-cookie': REDACTED,
      referer: `https://${REDACTED}:${REDACTED}@shop.example/cart?jwt=${REDACTED}&page=2`,
      'user-agent': 'curl/8',
    });
  });
});

describe(redactFields.name, () => {
  it('redacts credential-like fields at any depth, in objects and arrays', () => {
    const sut = redactFields;

    expect(
      sut({
        userId: 'u-1',
        user: { email: 'ada@example.com', newPassword: 'p', profile: { apiKey: 'k' } },
        accounts: [{ session_id: 's', ok: true }],
        callback: 'https://bot:pat@hooks.example/in',
      }),
    ).toEqual({
      userId: 'u-1',
      user: { email: 'ada@example.com', newPassword: REDACTED, profile: { apiKey: REDACTED } },
      accounts: [{ session_id: REDACTED, ok: true }],
      callback: `https://${REDACTED}:${REDACTED}@hooks.example/in`,
    });
  });

  it('returns the very same object when nothing needs redacting', () => {
    const clean = { userId: 'u-1', items: [{ sku: 'A-1', quantity: 2 }], at: new Date(0) };

    expect(redactFields(clean)).toBe(clean);
  });

  it('leaves the input untouched and copies only what changed', () => {
    const input = { nested: { token: 't' }, other: { a: 1 } };

    const output = redactFields(input);

    expect(input.nested.token).toBe('t');
    expect(output.other).toBe(input.other);
  });

  it('keeps class instances, such as errors, as they are: their serializers handle them', () => {
    const error = Object.assign(new Error('boom'), { token: 't' });

    expect(redactFields({ err: error }).err).toBe(error);
  });

  it('stops at its depth bound, so a cyclic object ends', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;

    expect(() => redactFields(cyclic)).not.toThrow();
    let deep: Record<string, unknown> = { password: 'deep' };
    for (let level = 0; level < MAX_REDACTION_DEPTH + 2; level++) deep = { level: deep };
    expect(JSON.stringify(redactFields(deep))).toContain('deep');
  });
});
