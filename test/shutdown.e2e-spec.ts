import { randomUUID } from 'node:crypto';
import { query } from './support/query';
import { OtlpReceiver } from './support/otlp-receiver';
import { Stack } from './support/stack';
import { Outcome, SteadyLoad, send } from './support/steady-load';
import { parseTraceHeader } from './support/traceparent';
import { waitUntil } from './support/wait';

// A batch delay far beyond the test: spans reach the receiver through a full batch or the flush on shutdown.
const FLUSH_ON_SHUTDOWN_ONLY = { OTEL_BSP_SCHEDULE_DELAY: '600000' };

const receiver = new OtlpReceiver();
beforeAll(() => receiver.start());
afterAll(() => receiver.stop());

async function createUser(stack: Stack): Promise<string> {
  const { status, body } = await send(stack.gatewayUrl, {
    method: 'POST',
    path: '/users',
    body: { email: `${randomUUID()}@example.com`, name: 'Shutdown' },
  });
  expect(status).toBe(201);
  return body!.id as string;
}

const answeredIds = (outcomes: Outcome[]) => outcomes.filter((outcome) => outcome.status).map((o) => o.requestId);

/** Requests that were being served when the signal went out, and still got their answer. */
const inFlightAt = (signalledAt: number, outcomes: Outcome[]) =>
  outcomes.filter((outcome) => outcome.startedAt < signalledAt && outcome.endedAt > signalledAt && outcome.status);

describe('shutdown on SIGTERM', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await new Stack({ otlpEndpoint: receiver.endpoint, env: FLUSH_ON_SHUTDOWN_ONLY }).start();
  }, 120_000);
  afterAll(() => stack?.stop());

  it('exits 0 and flushes the spans of finished requests', async () => {
    const response = await fetch(`${stack.gatewayUrl}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `${randomUUID()}@example.com`, name: 'Shutdown' }),
    });
    expect(response.status).toBe(201);
    const { traceId } = parseTraceHeader(response.headers.get('traceresponse'));
    expect(receiver.trace(traceId)).toEqual([]);

    const exitCodes = await Promise.all(
      (['gateway', 'user', 'order'] as const).map((app) => stack.app(app).stop('SIGTERM')),
    );

    expect(exitCodes).toEqual([0, 0, 0]);
    const services = new Set(receiver.trace(traceId).map((span) => span.service));
    expect(services).toEqual(new Set(['gateway', 'user']));
  });
});

describe('SIGTERM to the gateway under steady load', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await new Stack({ otlpEndpoint: receiver.endpoint, env: FLUSH_ON_SHUTDOWN_ONLY }).start();
  }, 120_000);
  afterAll(() => stack?.stop());

  it('answers every request it accepted, exits 0, and every answered request has its whole trace', async () => {
    const userId = await createUser(stack);
    const load = new SteadyLoad(stack.gatewayUrl, 8, (sent) =>
      sent % 2 === 0
        ? {
            method: 'POST',
            path: '/orders',
            body: { userId, items: [{ sku: `S-${sent}`, quantity: 1, unitPriceCents: 5 }] },
          }
        : { method: 'GET', path: `/users/${userId}` },
    );
    await waitUntil(() => load.outcomes.length >= 40, { description: () => `${load.outcomes.length} answered` });

    const signalledAt = performance.now();
    const exitCode = await stack.app('gateway').stop('SIGTERM');
    const outcomes = await load.stop();

    expect(exitCode).toBe(0);
    // Every request the gateway read was answered with success; the kept-alive clients were told to go elsewhere.
    expect(outcomes.filter((outcome) => outcome.status && outcome.status >= 300)).toEqual([]);
    expect(load.lost()).toEqual([]);
    expect(outcomes.filter((outcome) => outcome.connection === 'close').length).toBeGreaterThan(0);
    // The others were never read: refused once the port closed. The gateway logs the x-request-id of every request
    // it reads, so none of them may appear in its log.
    const gatewayLog = stack.app('gateway').lines.join('\n');
    const unanswered = outcomes.filter((outcome) => !outcome.status);
    expect(unanswered.filter((outcome) => gatewayLog.includes(outcome.requestId))).toEqual([]);
    expect(answeredIds(outcomes).every((id) => gatewayLog.includes(id))).toBe(true);
    expect(inFlightAt(signalledAt, outcomes).length).toBeGreaterThan(0);

    // The services flush their spans as they stop; then every answered request's trace is whole.
    expect(await Promise.all([stack.app('user').stop('SIGTERM'), stack.app('order').stop('SIGTERM')])).toEqual([0, 0]);
    const answered = outcomes.filter((outcome) => outcome.status);
    for (const outcome of answered) {
      const { traceId } = parseTraceHeader(outcome.traceresponse ?? null);
      const services = new Set(receiver.trace(traceId).map((span) => span.service));
      expect([traceId, services]).toEqual([
        traceId,
        outcome.status === 201 ? new Set(['gateway', 'order', 'user']) : new Set(['gateway', 'user']),
      ]);
    }
  }, 60_000);
});

describe('SIGTERM to one user replica on NATS under steady load', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await new Stack({ otlpEndpoint: receiver.endpoint, transport: 'nats', replicas: { user: 2 } }).start();
  }, 120_000);
  afterAll(() => stack?.stop());

  it('leaves the queue group, finishes what it took, and no request fails', async () => {
    const userId = await createUser(stack);
    const load = new SteadyLoad(stack.gatewayUrl, 8, () => ({ method: 'GET', path: `/users/${userId}` }));
    await waitUntil(() => load.outcomes.length >= 40, { description: () => `${load.outcomes.length} answered` });

    const exitCode = await stack.app('user').stop('SIGTERM');
    // The other replica alone serves the load from now on.
    const answeredBefore = load.outcomes.length;
    await waitUntil(() => load.outcomes.length >= answeredBefore + 40);
    const outcomes = await load.stop();

    expect(exitCode).toBe(0);
    expect(outcomes.filter((outcome) => outcome.status !== 200)).toEqual([]);
  }, 60_000);
});

describe.each(['tcp', 'grpc'] as const)('SIGTERM to the only user service on %s under steady load', (transport) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await new Stack({ otlpEndpoint: receiver.endpoint, transport }).start();
  }, 120_000);
  afterAll(() => stack?.stop());

  it('finishes the calls it took, and every later call is a clean 503, not a lost one', async () => {
    const userId = await createUser(stack);
    const load = new SteadyLoad(stack.gatewayUrl, 8, () => ({ method: 'GET', path: `/users/${userId}` }));
    await waitUntil(() => load.outcomes.length >= 40, { description: () => `${load.outcomes.length} answered` });

    const exitCode = await stack.app('user').stop('SIGTERM');
    await waitUntil(() => load.answered(503).length >= 8, { description: () => `${load.answered(503).length} 503s` });
    const outcomes = await load.stop();

    expect(exitCode).toBe(0);
    expect(load.lost()).toEqual([]);
    expect(outcomes.filter((outcome) => outcome.status !== 200 && outcome.status !== 503)).toEqual([]);
    for (const { body, traceresponse } of load.answered(503)) {
      expect(body).toMatchObject({ statusCode: 503, traceId: parseTraceHeader(traceresponse ?? null).traceId });
    }
  }, 60_000);
});

describe('SIGTERM to the order service on tcp under steady order load', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await new Stack({ otlpEndpoint: receiver.endpoint, env: FLUSH_ON_SHUTDOWN_ONLY }).start();
  }, 120_000);
  afterAll(() => stack?.stop());

  it('never answers 503 for an order it committed, exits 0, and every created order has its whole trace', async () => {
    const userId = await createUser(stack);
    const load = new SteadyLoad(stack.gatewayUrl, 8, (sent) => {
      const key = `shutdown-${sent}-${randomUUID()}`;
      return {
        method: 'POST',
        path: '/orders',
        headers: { 'idempotency-key': key },
        body: { userId, items: [{ sku: key, quantity: 1, unitPriceCents: 5 }] },
      };
    });
    await waitUntil(() => load.answered(201).length >= 20, {
      description: () => `${load.answered(201).length} created`,
    });

    const exitCode = await stack.app('order').stop('SIGTERM');
    await waitUntil(() => load.answered(503).length >= 8, { description: () => `${load.answered(503).length} 503s` });
    const outcomes = await load.stop();

    expect(exitCode).toBe(0);
    expect(load.lost()).toEqual([]);
    expect(outcomes.filter((outcome) => outcome.status !== 201 && outcome.status !== 503)).toEqual([]);
    // What the database committed, against what the callers were told.
    const committed = await query<{ key: string }>(
      stack.env.ORDER_DATABASE_URL!,
      'SELECT idempotency_key AS key FROM orders WHERE user_id = $1',
      [userId],
    );
    const committedKeys = new Set(committed.map((row) => row.key));
    const keyOf = (outcome: Outcome) => outcome.spec.headers!['idempotency-key'];
    expect(load.answered(503).filter((outcome) => committedKeys.has(keyOf(outcome)))).toEqual([]);
    expect(load.answered(201).filter((outcome) => !committedKeys.has(keyOf(outcome)))).toEqual([]);

    expect(await stack.app('user').stop('SIGTERM')).toBe(0);
    expect(await stack.app('gateway').stop('SIGTERM')).toBe(0);
    for (const outcome of load.answered(201)) {
      const { traceId } = parseTraceHeader(outcome.traceresponse ?? null);
      expect([traceId, new Set(receiver.trace(traceId).map((span) => span.service))]).toEqual([
        traceId,
        new Set(['gateway', 'order', 'user']),
      ]);
    }
  }, 90_000);
});

describe('SIGTERM while the telemetry backend hangs', () => {
  const hangingBackend = new OtlpReceiver();
  let stack: Stack;
  beforeAll(async () => {
    await hangingBackend.start();
    stack = await new Stack({
      otlpEndpoint: hangingBackend.endpoint,
      // The exporter's own timeout (10 s) is far beyond the shutdown bound, so only the bound can end the flush.
      env: { ...FLUSH_ON_SHUTDOWN_ONLY, SHUTDOWN_TIMEOUT_MS: '3000' },
    }).start();
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    await hangingBackend.stop();
  });

  it('gives up the flush within SHUTDOWN_TIMEOUT_MS, says so, and exits 0', async () => {
    await createUser(stack);
    await hangingBackend.behave('hang');

    const exitCode = await stack.app('gateway').stop('SIGTERM');

    expect(exitCode).toBe(0);
    expect(hangingBackend.requests.hang).toBeGreaterThan(0);
    expect(stack.app('gateway').logs.map((line) => line.msg)).toContainEqual(
      expect.stringContaining('spans not flushed within the shutdown timeout'),
    );
  }, 30_000);
});
