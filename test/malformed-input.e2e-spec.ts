import { randomUUID } from 'node:crypto';
import { OtlpReceiver } from './support/otlp-receiver';
import { Stack } from './support/stack';

/**
 * Generated bad input: bodies, path ids and trace headers that are wrong in many ways. Every answer must be a 4xx
 * with the documented error body, never a 500, and every app must still be healthy afterwards.
 */
const receiver = new OtlpReceiver();
let stack: Stack;

beforeAll(async () => {
  await receiver.start();
  stack = new Stack({ otlpEndpoint: receiver.endpoint });
  await stack.start();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await receiver.stop();
});

/** A small deterministic generator (mulberry32), so a failure can be replayed from its index. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const JUNK: unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  1e308,
  '',
  ' ',
  'x'.repeat(5000),
  '\u0000',
  '💥',
  '<script>',
  "' OR 1=1 --",
  [],
  [1, 2],
  {},
  { $gt: '' },
  { __proto__: { admin: true } },
  'not-a-uuid',
  '00000000-0000-0000-0000-00000000000Z',
];

/** Never a valid name: not a string, or empty once trimmed, or over 100 characters. */
const INVALID_NAMES: unknown[] = [null, true, 0, [], {}, '', '   ', 'x'.repeat(101), { $ne: '' }];

function pick<T>(next: () => number, values: readonly T[]): T {
  return values[Math.floor(next() * values.length)];
}

function malformedUser(next: () => number): unknown {
  const variants = [
    () => pick(next, JUNK),
    () => ({ email: pick(next, JUNK), name: 'Ok' }),
    () => ({ email: 'ok@example.com', name: pick(next, INVALID_NAMES) }),
    () => ({ email: 'ok@example.com' }),
    () => ({ name: 'Ok' }),
    () => ({ email: 'ok@example.com', name: 'Ok', [pick(next, ['admin', 'id', 'orderCount', 'constructor'])]: 1 }),
    () => ({ email: `${'a'.repeat(250)}@example.com`, name: 'Ok' }),
    () => ({ email: 'ok@example.com', name: 'n'.repeat(101) }),
  ];
  return pick(next, variants)();
}

function malformedOrder(next: () => number): unknown {
  const item = () => ({ sku: 'A-1', quantity: 1, unitPriceCents: 100 });
  const variants = [
    () => pick(next, JUNK),
    () => ({ userId: pick(next, JUNK), items: [item()] }),
    () => ({ userId: randomUUID(), items: pick(next, JUNK) }),
    () => ({ userId: randomUUID(), items: [] }),
    () => ({ userId: randomUUID(), items: Array.from({ length: 51 }, item) }),
    () => ({ userId: randomUUID(), items: [{ ...item(), quantity: pick(next, [0, -3, 1.5, 1001, '2', null]) }] }),
    () => ({
      userId: randomUUID(),
      items: [{ ...item(), unitPriceCents: pick(next, [0, -1, 0.5, 1e7, '100', null]) }],
    }),
    () => ({
      userId: randomUUID(),
      items: [{ ...item(), sku: pick(next, ['', 'has space', 'x'.repeat(65), 7, null]) }],
    }),
    () => ({ userId: randomUUID(), items: [{ ...item(), extra: true }] }),
    () => ({ userId: randomUUID(), items: [item()], status: 'paid' }),
  ];
  return pick(next, variants)();
}

const BAD_TRACE_HEADERS: Record<string, string>[] = [
  { traceparent: 'garbage' },
  { traceparent: `00-${'0'.repeat(32)}-${'1'.repeat(16)}-01` },
  { traceparent: `00-${'a'.repeat(32)}-${'0'.repeat(16)}-01` },
  { traceparent: `ff-${'a'.repeat(32)}-${'b'.repeat(16)}-01` },
  { traceparent: `00-${'a'.repeat(31)}-${'b'.repeat(16)}-01` },
  { traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-zz` },
  { tracestate: '=,=,,,' },
  { tracestate: `k=${'v'.repeat(600)}` },
  { baggage: ';;;=%%%' },
  { baggage: `k=${'v'.repeat(9000)}` },
  { 'x-request-id': 'has spaces and \t tabs' },
  { 'x-request-id': 'x'.repeat(500) },
  { 'x-request-id': '../../etc/passwd' },
];

interface Attempt {
  method: string;
  path: string;
  body?: string;
  headers: Record<string, string>;
}

function attempts(count: number): Attempt[] {
  const next = random(20261121);
  const json = { 'content-type': 'application/json' };
  const generators: (() => Attempt)[] = [
    () => ({ method: 'POST', path: '/users', body: JSON.stringify(malformedUser(next)), headers: json }),
    () => ({ method: 'POST', path: '/orders', body: JSON.stringify(malformedOrder(next)), headers: json }),
    () => ({ method: 'POST', path: pick(next, ['/users', '/orders']), body: '{"broken": ', headers: json }),
    () => ({ method: 'POST', path: '/users', body: 'email=a', headers: { 'content-type': 'text/plain' } }),
    () => ({ method: 'GET', path: `/users/${encodeURIComponent(String(pick(next, JUNK)))}`, headers: {} }),
    () => ({ method: 'GET', path: `/orders/${encodeURIComponent(String(pick(next, JUNK)))}`, headers: {} }),
    () => ({ method: 'GET', path: `/users/${randomUUID()}/orders`, headers: pick(next, BAD_TRACE_HEADERS) }),
    () => ({ method: 'GET', path: `/orders/${randomUUID()}`, headers: pick(next, BAD_TRACE_HEADERS) }),
    () => ({
      method: 'POST',
      path: '/orders',
      body: JSON.stringify(malformedOrder(next)),
      headers: { ...json, ...pick(next, BAD_TRACE_HEADERS) },
    }),
  ];
  return Array.from({ length: count }, () => pick(next, generators)());
}

describe('malformed input, generated', () => {
  it('answers 600 malformed requests with documented 4xx bodies, never a 500, and stays healthy', async () => {
    const cases = attempts(600);
    const failures: string[] = [];
    // A few at a time: enough to interleave, not a load test.
    for (let start = 0; start < cases.length; start += 8) {
      await Promise.all(
        cases.slice(start, start + 8).map(async (attempt, offset) => {
          const response = await fetch(`${stack.gatewayUrl}${attempt.path}`, {
            method: attempt.method,
            headers: attempt.headers,
            body: attempt.body,
          });
          const text = await response.text();
          const body = JSON.parse(text) as Record<string, unknown>;
          const documented =
            response.status >= 400 &&
            response.status < 500 &&
            body.statusCode === response.status &&
            typeof body.error === 'string' &&
            typeof body.message === 'string' &&
            typeof body.traceId === 'string' &&
            body.requestId === response.headers.get('x-request-id');
          if (!documented)
            failures.push(`#${start + offset} ${attempt.method} ${attempt.path}: ${response.status} ${text}`);
        }),
      );
    }

    expect(failures).toEqual([]);
    for (const app of ['gateway', 'user', 'order']) {
      expect((await fetch(`${stack.httpUrl(app)}/health/ready`)).status).toBe(200);
    }
  }, 120_000);
});
