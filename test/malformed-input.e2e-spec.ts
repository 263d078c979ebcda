import { randomUUID } from 'node:crypto';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { ORDER_PATTERNS, USER_PATTERNS } from '@app/contracts';
import { ClientProxyFactory, Transport } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { expectErrorBody } from './support/error-body';
import { OtlpReceiver, SpanKind } from './support/otlp-receiver';
import { Stack } from './support/stack';

/**
 * Generated bad input: bodies, path ids and trace headers that are wrong in many ways. Every answer must be a 4xx
 * with the documented error body, never a 500, and every app must still be healthy afterwards.
 */
const receiver = new OtlpReceiver();
let stack: Stack;
/** The email of a user that exists: the fuzz sends it again in other cases, which must get 409. */
let takenEmail: string;

beforeAll(async () => {
  await receiver.start();
  stack = new Stack({ otlpEndpoint: receiver.endpoint });
  await stack.start();
  takenEmail = `Taken-${randomUUID()}@Example.com`;
  const created = await fetch(`${stack.gatewayUrl}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: takenEmail, name: 'Taken' }),
  });
  expect(created.status).toBe(201);
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

interface Attempt {
  method: string;
  path: string;
  body?: string | Buffer;
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

/** One request to the gateway, answered with its parsed body. */
async function send(path: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const response = await fetch(`${stack.gatewayUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { response, status: response.status, body: JSON.parse(await response.text()) as Record<string, unknown> };
}

/** The gateway's SERVER span of an answer arrives in its own trace: the trace id in the body is a real one. */
async function expectTraced(answer: { body: Record<string, unknown> }) {
  const spans = await receiver.waitForTrace(answer.body.traceId as string, (trace) =>
    trace.some((span) => span.service === 'gateway' && span.kind === SpanKind.SERVER),
  );
  const server = spans.find((span) => span.service === 'gateway' && span.kind === SpanKind.SERVER)!;
  expect(server.attributes['http.response.status_code']).toBe(answer.body.statusCode);
  return server;
}

describe('malformed input, one of each', () => {
  const user = { email: `nul-${randomUUID()}@example.com`, name: 'Ada\u0000L' };
  const order = (items: unknown) => JSON.stringify({ userId: randomUUID(), items });

  it('answers 400 to a NUL character in a string, before it reaches PostgreSQL', async () => {
    const answer = await send('/users', JSON.stringify(user));

    expectErrorBody(answer, 400);
    expect(answer.body.message).toBe('body.name must not contain NUL (\\u0000) characters');
    await expectTraced(answer);
  });

  it.each([
    ['a nested array', [[]]],
    ['a number', [1]],
    ['a string', ['A-1']],
    ['null', [null]],
  ])('answers 400 to an order whose items hold %s', async (_case, items) => {
    const answer = await send('/orders', order(items));

    expectErrorBody(answer, 400);
    expect(answer.body.message).toMatch(/each value in (nested property )?items must be (an object|either object)/);
  });

  it.each([
    ['gzip', Buffer.from('{"email":"a@example.com","name":"A"}')],
    ['gzip', gzipSync('{"email":"a@example.com"').subarray(0, 15)],
    ['br', Buffer.from('{}')],
  ])('answers 400 to a body that is not the %s its Content-Encoding says', async (encoding, body) => {
    const answer = await send('/users', body, { 'content-encoding': encoding });

    expectErrorBody(answer, 400);
    expect(answer.body.message).toBe('the request body does not decode as its Content-Encoding says');
  });

  it('answers 415 to a Content-Encoding it does not support', async () => {
    const answer = await send('/users', '{}', { 'content-encoding': 'compress' });

    expectErrorBody(answer, 415);
  });

  it('still accepts a gzip-encoded body', async () => {
    const body = gzipSync(JSON.stringify({ email: `gzip-${randomUUID()}@example.com`, name: 'Gzip' }));

    expect((await send('/users', body, { 'content-encoding': 'gzip' })).status).toBe(201);
  });

  it('answers 400 with a plain message to JSON nested thousands of levels deep', async () => {
    const answer = await send('/users', `${'['.repeat(5000)}${']'.repeat(5000)}`);

    expectErrorBody(answer, 400);
    expect(answer.body.message).toBe('the request body is nested deeper than 32 levels');
  });

  it('answers 409 to a second user whose email differs only in case', async () => {
    const email = `Case-${randomUUID()}@Example.com`;
    expect((await send('/users', JSON.stringify({ email, name: 'First' }))).status).toBe(201);

    for (const again of [email.toLowerCase(), email.toUpperCase()]) {
      const answer = await send('/users', JSON.stringify({ email: again, name: 'Second' }));
      expectErrorBody(answer, 409);
      expect(answer.body.message).toBe('a user with this email already exists');
    }
  });
});

describe("the services' own validation, for a caller other than the gateway", () => {
  /** A plain Nest TCP client, as another service (or a gateway with a bug) would call. */
  async function call(service: 'user' | 'order', pattern: string, payload: unknown) {
    const port = Number(stack.env[`${service.toUpperCase()}_RPC_PORT`]);
    const client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
    try {
      return await lastValueFrom(client.send(pattern, payload)).catch((error: unknown) => error);
    } finally {
      await client.close();
    }
  }

  it.each([
    ['[[]]', [[]]],
    ['[[item]]', [[{ sku: 'A-1', quantity: 1, unitPriceCents: 100 }]]],
    ['[1]', [1]],
    ['["A-1"]', ['A-1']],
    ['[null]', [null]],
  ])('the order service refuses items %s with VALIDATION_FAILED', async (_case, items) => {
    const answer = await call('order', ORDER_PATTERNS.create, { userId: randomUUID(), items });

    expect(answer).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('the user service refuses a NUL character with VALIDATION_FAILED', async () => {
    const answer = await call('user', USER_PATTERNS.create, {
      email: `rpc-${randomUUID()}@example.com`,
      name: 'A\u0000',
    });

    expect(answer).toEqual({ code: 'VALIDATION_FAILED', message: 'name must not contain NUL (\\u0000) characters' });
  });
});
