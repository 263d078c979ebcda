import { randomUUID } from 'node:crypto';
import { OtlpReceiver, SpanKind } from './support/otlp-receiver';
import { SpanTree, isConnected } from './support/span-tree';
import { Stack, TransportKind } from './support/stack';
import { parseTraceHeader } from './support/traceparent';
import { waitUntil } from './support/wait';

const receiver = new OtlpReceiver();
beforeAll(() => receiver.start());
afterAll(() => receiver.stop());

async function post(stack: Stack, path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${stack.gatewayUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { response, body: (await response.json()) as Record<string, unknown> };
}

const newUser = (stack: Stack) => post(stack, '/users', { email: `${randomUUID()}@example.com`, name: 'Replica' });

/** The spans every order trace ends up with, from each app's exporter: wait for all before asserting. */
const WHOLE_TRACE = [
  `gateway:POST /orders:${SpanKind.SERVER}`,
  `order:order.create:${SpanKind.SERVER}`,
  `order:OrdersService.create:${SpanKind.INTERNAL}`,
  `order:send order.created:${SpanKind.PRODUCER}`,
  `user:user.exists:${SpanKind.SERVER}`,
  `user:process order.created:${SpanKind.CONSUMER}`,
  `user:UsersService.recordOrder:${SpanKind.INTERNAL}`,
];

describe('replicas on NATS', () => {
  const ORDERS = 12;
  let stack: Stack;
  let userId: string;
  let traces: SpanTree[];

  beforeAll(async () => {
    stack = new Stack({ otlpEndpoint: receiver.endpoint, transport: 'nats', replicas: { user: 2, order: 2 } });
    await stack.start();
    userId = (await newUser(stack)).body.id as string;
    const traceIds: string[] = [];
    for (let i = 0; i < ORDERS; i++) {
      const { response } = await post(stack, '/orders', {
        userId,
        items: [{ sku: `S-${i}`, quantity: 1, unitPriceCents: 100 }],
      });
      expect(response.status).toBe(201);
      traceIds.push(parseTraceHeader(response.headers.get('traceresponse')).traceId);
    }
    traces = await Promise.all(
      traceIds.map(
        async (traceId) =>
          new SpanTree(
            await receiver.waitForTrace(traceId, (spans) => {
              const seen = new Set(spans.map((span) => `${span.service}:${span.name}:${span.kind}`));
              return WHOLE_TRACE.every((key) => seen.has(key)) && isConnected(spans);
            }),
          ),
      ),
    );
  }, 180_000);

  afterAll(() => stack?.stop());

  it('runs two processes of each service, told apart by service.instance.id', () => {
    expect(stack.replicas('order')).toHaveLength(2);
    expect(stack.replicas('user')).toHaveLength(2);
    const orderInstances = new Set(
      traces.map((tree) => tree.one('order', 'order.create', SpanKind.SERVER).serviceInstanceId),
    );
    // Queue-group delivery is random; with 12 requests both replicas serve some (all on one: p = 2^-11).
    expect(orderInstances.size).toBe(2);
  });

  it('keeps each trace whole: gateway, order, user and the consumer, under one root', () => {
    for (const tree of traces) {
      const root = tree.one('gateway', 'POST /orders', SpanKind.SERVER);
      expect(root.parentSpanId).toBeUndefined();
      for (const span of tree.spans.filter((candidate) => candidate !== root)) {
        expect(tree.isDescendant(span, root)).toBe(true);
      }
      expect(tree.one('order', 'order.create', SpanKind.SERVER).parentSpanId).toBe(
        tree.one('gateway', 'order.create', SpanKind.CLIENT).spanId,
      );
    }
  });

  it('consumes each order.created exactly once across the user replicas', async () => {
    for (const tree of traces) {
      expect(tree.all('user', 'process order.created', SpanKind.CONSUMER)).toHaveLength(1);
    }
    let orderCount = 0;
    await waitUntil(async () => {
      const response = await fetch(`${stack.gatewayUrl}/users/${userId}`);
      orderCount = ((await response.json()) as { orderCount: number }).orderCount;
      return orderCount >= ORDERS;
    });
    expect(orderCount).toBe(ORDERS);
  });
});

// TCP refuses the connection and NATS reports "no responders" at once: both mean unavailable (503). RabbitMQ
// would queue the message until the timeout (504); gRPC reports UNAVAILABLE (503).
describe.each<[TransportKind, number]>([
  ['tcp', 503],
  ['nats', 503],
  ['rmq', 504],
])('the user service stopped, over %s', (transport, expectedStatus) => {
  let stack: Stack;

  beforeAll(async () => {
    stack = new Stack({ otlpEndpoint: receiver.endpoint, transport, env: { RPC_TIMEOUT_MS: '1000' } });
    await stack.start();
  }, 120_000);

  afterAll(() => stack?.stop());

  it(`answers ${expectedStatus} with the trace id, records the failure on the client span, and recovers`, async () => {
    expect(await stack.app('user').stop()).toBe(0);

    const { response, body } = await newUser(stack);
    expect(response.status).toBe(expectedStatus);
    const { traceId } = parseTraceHeader(response.headers.get('traceresponse'));
    expect(body).toMatchObject({ statusCode: expectedStatus, traceId });

    const [call] = await receiver
      .waitForTrace(traceId, (spans) =>
        spans.some((span) => span.name === 'user.create' && span.kind === SpanKind.CLIENT),
      )
      .then((spans) => spans.filter((span) => span.name === 'user.create'));
    expect(call.status.code).toBe(2); // ERROR
    expect(call.attributes['error.type']).toBe(expectedStatus === 503 ? 'SERVICE_UNAVAILABLE' : 'SERVICE_TIMEOUT');
    expect(call.events.map((event) => event.name)).toContain('exception');

    const ready = await fetch(`${stack.gatewayUrl}/health/ready`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { error: Record<string, unknown> }).error).toHaveProperty('user');

    await stack.restart('user');
    expect((await newUser(stack)).response.status).toBe(201);
    expect((await fetch(`${stack.gatewayUrl}/health/ready`)).status).toBe(200);
  });
});

describe('baggage', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = new Stack({ otlpEndpoint: receiver.endpoint, env: { BAGGAGE_ALLOWLIST: 'app.tenant.id' } });
    await stack.start();
  }, 120_000);

  afterAll(() => stack?.stop());

  it('passes allowlisted client baggage and the request id to every service, and drops the rest', async () => {
    const { response } = await post(
      stack,
      '/users',
      { email: `${randomUUID()}@example.com`, name: 'Baggage' },
      { baggage: 'app.tenant.id=acme,session.secret=s3cr3t', 'x-request-id': 'baggage-test-1' },
    );
    expect(response.status).toBe(201);
    const { traceId } = parseTraceHeader(response.headers.get('traceresponse'));

    const spans = await receiver.waitForTrace(traceId, (received) =>
      (['user', 'gateway'] as const).every((service) =>
        received.some((span) => span.service === service && span.kind === SpanKind.SERVER),
      ),
    );
    const tree = new SpanTree(spans);
    const handler = tree.one('user', 'user.create', SpanKind.SERVER);
    expect(handler.attributes).toMatchObject({ 'app.tenant.id': 'acme', 'app.request.id': 'baggage-test-1' });
    // The gateway's HTTP span gets the request id it settled; spans inside a process leave it to their entry span.
    expect(tree.one('gateway', 'POST /users', SpanKind.SERVER).attributes['app.request.id']).toBe('baggage-test-1');
    expect(tree.one('user', 'UsersService.create', SpanKind.INTERNAL).attributes).not.toHaveProperty('app.request.id');
    expect(spans.some((span) => 'session.secret' in span.attributes)).toBe(false);

    const lines = stack.app('user').logs.filter((line) => line.trace_id === traceId);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => line.request_id === 'baggage-test-1')).toBe(true);
  });

  it.each([
    ['oversized', `big=${'x'.repeat(9000)}`],
    ['malformed', ';;;=,=%%%,app.tenant.id'],
  ])('drops %s baggage and still serves the request', async (_case, baggage) => {
    const { response } = await post(stack, '/users', { email: `${randomUUID()}@example.com`, name: 'B' }, { baggage });
    expect(response.status).toBe(201);
  });
});
