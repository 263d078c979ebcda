import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { ORDER_PATTERNS, USER_PATTERNS } from '@app/contracts';
import { ClientProxyFactory, Transport } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { expectErrorBody } from './support/error-body';
import { malformedAttempts } from './support/malformed-requests';
import { OtlpReceiver, SpanKind } from './support/otlp-receiver';
import { Stack } from './support/stack';

/**
 * Bad input, generated (support/malformed-requests.ts) and then one case of each kind: every answer must be a 4xx
 * with the documented error body, never a 500, and every app must still be healthy afterwards. The services refuse
 * the same payloads when a caller other than the gateway sends them.
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

describe('malformed input, generated', () => {
  it('answers 600 malformed requests with documented 4xx bodies, never a 500, and stays healthy', async () => {
    const cases = malformedAttempts(600, takenEmail);
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
    await expectTraced(answer);
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
    await expectTraced(answer);
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
