import { randomUUID } from 'node:crypto';
import { OtlpReceiver, ReceivedSpan, SpanKind } from './support/otlp-receiver';
import { freePort } from './support/ports';
import { SpanTree } from './support/span-tree';
import { Stack } from './support/stack';
import { TcpProxy } from './support/tcp-proxy';
import { query } from './support/query';
import { expectErrorBody } from './support/error-body';
import { newTraceparent } from './support/traceparent';
import { waitUntil } from './support/wait';

/**
 * "No lost or doubled orders": POST /orders with an Idempotency-Key creates one order however often, and however
 * concurrently, it is retried; and the order.created event of a committed order reaches the user service even when
 * the first publish fails (transactional outbox), in the trace of the request that created the order.
 */
const receiver = new OtlpReceiver();
let stack: Stack;

beforeAll(() => receiver.start());
afterAll(() => receiver.stop());

type Json = Record<string, unknown>;

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${stack.gatewayUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { response, status: response.status, body: (text ? JSON.parse(text) : undefined) as Json };
}

async function createUser(): Promise<string> {
  const created = await call('POST', '/users', { email: `orders-${randomUUID()}@example.com`, name: 'Retry' });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

const orderCount = async (userId: string) => (await call('GET', `/users/${userId}`)).body.orderCount;

/** The outbox rows of one order, read from the order service's database. */
function outboxRows(orderId: string): Promise<{ attempts: number; published: boolean }[]> {
  return query(
    stack.env.ORDER_DATABASE_URL!,
    `SELECT attempts, published_at IS NOT NULL AS published FROM outbox_events WHERE payload->>'orderId' = $1`,
    [orderId],
  );
}

const logsAbout = (app: string, orderId: string) =>
  stack
    .app(app)
    .logs.filter((line) => line.orderId === orderId)
    .map((line) => line.msg);

describe.each(['tcp', 'grpc'] as const)('Idempotency-Key on POST /orders over %s', (transport) => {
  beforeAll(async () => {
    stack = await new Stack({ otlpEndpoint: receiver.endpoint, transport }).start();
  }, 120_000);

  afterAll(() => stack?.stop());

  const order = (userId: string, quantity = 2) => ({
    userId,
    items: [
      { sku: 'BOOK-1', quantity, unitPriceCents: 1500 },
      { sku: 'PEN-2', quantity: 1, unitPriceCents: 250 },
    ],
  });

  it('creates one order for 10 concurrent requests with the same key and body, and counts it once', async () => {
    const userId = await createUser();
    const key = randomUUID();

    const results = await Promise.all(
      Array.from({ length: 10 }, () => call('POST', '/orders', order(userId), { 'Idempotency-Key': key })),
    );

    expect(results.map((result) => result.status)).toEqual(Array(10).fill(201));
    const orderId = results[0].body.id as string;
    for (const result of results) expect(result.body).toEqual(results[0].body);
    const listed = await call('GET', `/users/${userId}/orders`);
    expect((listed.body.orders as Json[]).map((listedOrder) => listedOrder.id)).toEqual([orderId]);

    // One order written, nine answered from it, whether they found it first or lost the race on the unique key.
    const orderLogs = logsAbout('order', orderId);
    expect(orderLogs.filter((msg) => msg === 'order created')).toHaveLength(1);
    expect(orderLogs.filter((msg) => String(msg).startsWith('idempotent retry'))).toHaveLength(9);

    // Applied once: the count reaches 1, the one event is published, the user service handled exactly one delivery.
    await waitUntil(async () => (await orderCount(userId)) === 1);
    await waitUntil(async () => (await outboxRows(orderId)).every((row) => row.published));
    expect(await outboxRows(orderId)).toEqual([{ attempts: 0, published: true }]);
    expect(logsAbout('user', orderId)).toEqual(['order counted']);

    // A later retry still returns the same order and changes nothing.
    const later = await call('POST', '/orders', order(userId), { 'Idempotency-Key': key });
    expect(later.status).toBe(201);
    expect(later.body).toEqual(results[0].body);
    expect(await outboxRows(orderId)).toHaveLength(1);
    expect(await orderCount(userId)).toBe(1);
  });

  it('answers 409 with the documented body to the same key with a different body, and creates nothing', async () => {
    const userId = await createUser();
    const key = `order-${randomUUID()}`;
    const first = await call('POST', '/orders', order(userId), { 'Idempotency-Key': key });
    expect(first.status).toBe(201);

    const reused = await call('POST', '/orders', order(userId, 3), { 'Idempotency-Key': key });

    expectErrorBody(reused, 409);
    expect(reused.body.message).toBe('this Idempotency-Key was already used for a different order');
    const listed = await call('GET', `/users/${userId}/orders`);
    expect((listed.body.orders as Json[]).map((listedOrder) => listedOrder.id)).toEqual([first.body.id]);
  });

  it('answers 409 to concurrent requests with one key and different bodies, creating exactly one order', async () => {
    const userId = await createUser();
    const key = randomUUID();

    const results = await Promise.all(
      [2, 3, 2, 3].map((quantity) => call('POST', '/orders', order(userId, quantity), { 'Idempotency-Key': key })),
    );

    const created = results.filter((result) => result.status === 201);
    const refused = results.filter((result) => result.status === 409);
    expect(created.length + refused.length).toBe(4);
    expect(new Set(created.map((result) => result.body.totalCents)).size).toBe(1);
    expect(new Set(created.map((result) => result.body.id)).size).toBe(1);
    const listed = await call('GET', `/users/${userId}/orders`);
    expect(listed.body.orders).toHaveLength(1);
  });

  it('scopes a key to its user: the same key for another user creates another order', async () => {
    const [alice, bob] = [await createUser(), await createUser()];
    const key = randomUUID();

    const forAlice = await call('POST', '/orders', order(alice), { 'Idempotency-Key': key });
    const forBob = await call('POST', '/orders', order(bob), { 'Idempotency-Key': key });

    expect([forAlice.status, forBob.status]).toEqual([201, 201]);
    expect(forBob.body.id).not.toBe(forAlice.body.id);
    expect(forBob.body.userId).toBe(bob);
  });

  it('creates a new order for every request without a key', async () => {
    const userId = await createUser();

    const first = await call('POST', '/orders', order(userId));
    const second = await call('POST', '/orders', order(userId));

    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body.id).not.toBe(first.body.id);
  });

  it.each([
    ['an empty key', ''],
    ['a key of 256 characters', 'k'.repeat(256)],
    ['a non-ASCII key', 'caf\u00e9'],
    ['a key with a tab', 'a\tb'],
  ])('answers 400 with the documented body to %s, and creates nothing', async (_case, key) => {
    const userId = await createUser();

    const result = await call('POST', '/orders', order(userId), { 'Idempotency-Key': key });

    expectErrorBody(result, 400);
    expect(result.body.message).toBe('Idempotency-Key must be 1 to 255 printable ASCII characters');
    expect((await call('GET', `/users/${userId}/orders`)).body).toEqual({ orders: [], nextCursor: null });
  });
});

/**
 * Fault injection: the order service reaches the user service through a TCP proxy. Its RPC client for users.exists
 * keeps the one connection it opened, while the event publisher opens its own on its first event; so once the proxy
 * refuses new connections, users.exists still answers and the publish of order.created fails with ECONNREFUSED,
 * deterministically, as it would if the consumer were down or unreachable between the check and the publish. The
 * user service itself never stops, and the order service is never restarted.
 */
describe('transactional outbox for order.created over tcp', () => {
  const userRpcPort = { value: 0 };
  let proxy: TcpProxy;

  beforeAll(async () => {
    userRpcPort.value = await freePort();
    proxy = new TcpProxy({ host: '127.0.0.1', port: userRpcPort.value });
    await proxy.start();
    stack = await new Stack({
      otlpEndpoint: receiver.endpoint,
      transport: 'tcp',
      env: { USER_RPC_PORT: String(userRpcPort.value), OUTBOX_RELAY_INTERVAL_MS: '200', RPC_TIMEOUT_MS: '1000' },
      appEnv: { order: { USER_RPC_PORT: String(proxy.address.port) } },
    }).start();
  }, 120_000);

  afterAll(async () => {
    proxy?.cut();
    await stack?.stop();
  });

  it('delivers the event of an order whose publish failed once the consumer is back, in the original trace', async () => {
    const userId = await createUser();
    const orderPid = stack.app('order').pid;
    // An order for an unknown user: users.exists opens the connection through the proxy, and nothing is published.
    expect(
      (await call('POST', '/orders', { userId: randomUUID(), items: [{ sku: 'W', quantity: 1, unitPriceCents: 1 }] }))
        .status,
    ).toBe(422);
    proxy.refuseNewConnections();

    const client = newTraceparent();
    const created = await call(
      'POST',
      '/orders',
      { userId, items: [{ sku: 'OUTBOX-1', quantity: 1, unitPriceCents: 700 }] },
      { traceparent: client.header },
    );

    expect(created.status).toBe(201);
    const orderId = created.body.id as string;
    const failures = () =>
      stack
        .app('order')
        .logs.filter(
          (line) =>
            line.trace_id === client.traceId && line.msg === 'event not published; the outbox relay will retry it',
        )
        .map((line) => line.attempts);
    // The request's own publish failed, and so did at least one retry by the relay: nothing reached the user service.
    await waitUntil(() => failures().includes(0) && failures().some((attempts) => Number(attempts) >= 1), {
      timeoutMs: 20_000,
    });
    expect(await orderCount(userId)).toBe(0);
    expect(await outboxRows(orderId)).toEqual([{ attempts: expect.any(Number), published: false }]);

    await proxy.acceptAgain();

    await waitUntil(async () => (await orderCount(userId)) === 1, { timeoutMs: 20_000 });
    await waitUntil(async () => (await outboxRows(orderId)).every((row) => row.published));
    expect(stack.app('order').pid).toBe(orderPid);
    expect(stack.app('order').running).toBe(true);
    expect(logsAbout('user', orderId)).toEqual(['order counted']);

    const tree = new SpanTree(
      // Complete once the consumer span and the producer span it continues have both been exported.
      await receiver.waitForTrace(client.traceId, (spans) =>
        spans.some(
          (consumer) =>
            consumer.name === 'process order.created' &&
            spans.some((producer) => producer.spanId === consumer.parentSpanId),
        ),
      ),
    );
    const consumer = tree.one('user', 'process order.created', SpanKind.CONSUMER);
    expect(consumer.traceId).toBe(client.traceId);
    const retried = tree.parentOf(consumer)!;
    expect(retried).toMatchObject({ service: 'order', name: 'send order.created', kind: SpanKind.PRODUCER });
    expect(retried.status.code).not.toBe(2);
    // The relay's send continues the span that wrote the order, restored from the outbox row (the request's own
    // send runs inside OutboxService.publish instead).
    const writer = tree.one('order', 'OrdersService.insert', SpanKind.INTERNAL);
    const relaySend = tree.parentOf(retried)!;
    expect(relaySend.name).toBe('OutboxService.send');
    expect(relaySend.parentSpanId).toBe(writer.spanId);
    // The failed attempts (the request's and the relay's) are in the same trace, as errors.
    const sends = tree.all('order', 'send order.created', SpanKind.PRODUCER);
    expect(sends.filter((span) => span.status.code === 2).length).toBeGreaterThanOrEqual(2);
    for (const send of sends) expect(tree.isDescendant(send, writer)).toBe(true);
  });

  it("keeps the relay's polling out of the traces", () => {
    const queryText = (span: ReceivedSpan) => {
      const text = span.attributes['db.query.text'];
      return typeof text === 'string' ? text : '';
    };
    const outboxQueries = receiver.spans.filter((span) => queryText(span).includes('outbox_events'));
    expect(outboxQueries.length).toBeGreaterThan(0);
    expect(outboxQueries.filter((span) => queryText(span).includes('SKIP LOCKED'))).toEqual([]);
    // Outside requests, the order service only connects to its database at start-up and disconnects at shutdown.
    const roots = receiver.spans.filter((span) => span.service === 'order' && span.parentSpanId === undefined);
    const lifecycle = ['prisma:client:connect', 'prisma:client:disconnect'];
    expect(roots.filter((span) => span.name.startsWith('prisma:') && !lifecycle.includes(span.name))).toEqual([]);
  });
});
