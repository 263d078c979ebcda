import { randomUUID } from 'node:crypto';
import { brotliCompressSync, gzipSync } from 'node:zlib';

// The generated bad input of test/malformed-input.e2e-spec.ts.

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

/** Never a valid name: not a string, or empty once trimmed, or over 100 characters, or holding a NUL. */
const INVALID_NAMES: unknown[] = [
  null,
  true,
  0,
  [],
  {},
  '',
  '   ',
  'x'.repeat(101),
  { $ne: '' },
  'Ada\u0000L',
  '\u0000',
];

/** Never a valid element of `items`: anything but an object. */
const NON_OBJECT_ITEMS: unknown[] = [[], [[]], 1, 0, 'A-1', '', null, true];

/** Randomly upper- and lower-cases each letter. */
function recase(next: () => number, text: string): string {
  return [...text].map((char) => (next() < 0.5 ? char.toUpperCase() : char.toLowerCase())).join('');
}

/** JSON nested `depth` levels deep, in arrays or objects. */
function deeplyNested(next: () => number): string {
  const depth = pick(next, [33, 100, 3000, 20_000]);
  return next() < 0.5 ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

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
    () => ({ email: pick(next, ['ok\u0000@example.com', 'ok@exa\u0000mple.com', '\u0000']), name: 'Ok' }),
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
    () => ({ userId: randomUUID(), items: [pick(next, NON_OBJECT_ITEMS)] }),
    () => ({ userId: randomUUID(), items: [item(), pick(next, NON_OBJECT_ITEMS)] }),
    () => ({ userId: randomUUID(), items: [{ ...item(), sku: 'A\u00001' }] }),
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

export interface Attempt {
  method: string;
  path: string;
  body?: string | Buffer;
  headers: Record<string, string>;
}

/**
 * `count` bad requests, always the same ones: bodies, path ids, encodings, headers and trace headers that are wrong in
 * many ways. `takenEmail` belongs to a user that exists; it is sent again in other cases.
 */
export function malformedAttempts(count: number, takenEmail: string): Attempt[] {
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
    () => ({ method: 'POST', path: pick(next, ['/users', '/orders']), body: deeplyNested(next), headers: json }),
    // A body that is not what its Content-Encoding says (plain JSON, or another encoding), or an unknown encoding.
    () => ({
      method: 'POST',
      path: '/users',
      body: pick(next, ['{"email":"ok@example.com","name":"Ok"}', '', 'x'.repeat(300)]),
      headers: { ...json, 'content-encoding': pick(next, ['gzip', 'deflate', 'br', 'x-gzip', 'compress', 'gzip, br']) },
    }),
    () => ({
      method: 'POST',
      path: '/orders',
      body: pick(next, [gzipSync('{"userId":'), brotliCompressSync('[[]]').subarray(1)]),
      headers: { ...json, 'content-encoding': pick(next, ['gzip', 'br']) },
    }),
    // Over Node's 16 KiB maxHeaderSize, in one header or in many.
    () => ({
      method: 'GET',
      path: `/users/${randomUUID()}`,
      headers:
        next() < 0.5
          ? { 'x-filler': 'f'.repeat(pick(next, [17_000, 40_000])) }
          : Object.fromEntries(Array.from({ length: 200 }, (_, index) => [`x-filler-${index}`, 'f'.repeat(100)])),
    }),
    () => ({
      method: 'POST',
      path: '/users',
      body: JSON.stringify({ email: recase(next, takenEmail), name: 'Again' }),
      headers: json,
    }),
  ];
  return Array.from({ length: count }, () => pick(next, generators)());
}
