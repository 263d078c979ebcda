import { ATTR_APP_REQUEST_ID } from '@app/tracing';
import { isOwnScope, unconventionalAttributes } from '@app/tracing/testing';
import { OtlpReceiver, PROJECT_NAME, ReceivedSpan, SpanKind } from './support/otlp-receiver';
import {
  EXPECTED,
  type TracedOrder,
  createUser,
  expectHop,
  isDbQuery,
  placeTracedOrder,
  postJson,
} from './support/order-flow';
import { scrape, total } from './support/prometheus';
import type { SpanTree } from './support/span-tree';
import { Stack, TRANSPORTS } from './support/stack';
import { waitUntil } from './support/wait';

const receiver = new OtlpReceiver();
let stack: Stack;

beforeAll(() => receiver.start());
afterAll(() => receiver.stop());

const post = (path: string, body: unknown) => postJson(stack.gatewayUrl, path, body);

describe.each(TRANSPORTS)('POST /orders over %s, traced end to end', (transport) => {
  let tree: SpanTree;
  let client: TracedOrder['client'];
  let requestId: string;
  let order: TracedOrder['order'];
  const hop = (caller: ReceivedSpan, handler: ReceivedSpan) => expectHop(tree, transport, caller, handler);

  beforeAll(async () => {
    stack = await new Stack({ otlpEndpoint: receiver.endpoint, transport }).start();
    ({ tree, client, requestId, order } = await placeTracedOrder(stack.gatewayUrl, receiver));
  }, 120_000);

  afterAll(() => stack?.stop());

  it('returns the created order', () => {
    expect(order).toMatchObject({ status: 'created', totalCents: 3250 });
    expect(order.items).toEqual([
      { sku: 'BOOK-1', quantity: 2, unitPriceCents: 1500 },
      { sku: 'PEN-2', quantity: 1, unitPriceCents: 250 },
    ]);
  });

  it("pages a user's orders, the cursor and its absence crossing the transport", async () => {
    // A user of its own: the other tests count the first user's orders.
    const { id: userId } = await createUser(stack.gatewayUrl, 'Pager');
    const createOrder = async (sku: string) => {
      const response = await post('/orders', { userId, items: [{ sku, quantity: 1, unitPriceCents: 1 }] });
      expect(response.status).toBe(201);
      return ((await response.json()) as { id: string }).id;
    };
    const olderId = await createOrder('PAGE-1');
    const newerId = await createOrder('PAGE-2');
    const page = async (query: string) => {
      const response = await fetch(`${stack.gatewayUrl}/users/${userId}/orders${query}`);
      expect(response.status).toBe(200);
      return (await response.json()) as { orders: { id: string }[]; nextCursor: string | null };
    };

    const first = await page('?limit=1');
    const last = await page(`?limit=1&cursor=${encodeURIComponent(first.nextCursor!)}`);

    expect(first.orders.map(({ id }) => id)).toEqual([newerId]);
    expect(first.nextCursor).toEqual(expect.any(String));
    expect(last).toEqual({ orders: [expect.objectContaining({ id: olderId, userId })], nextCursor: null });
  });

  it('is one trace across all three services', () => {
    expect(new Set(tree.spans.map((span) => span.service))).toEqual(new Set(['gateway', 'order', 'user']));
    expect(new Set(tree.spans.map((span) => span.traceId))).toEqual(new Set([client.traceId]));
  });

  it('hangs the gateway SERVER span under the caller span from traceparent', () => {
    const root = tree.one('gateway', 'POST /orders', SpanKind.SERVER);
    expect(root.parentSpanId).toBe(client.spanId);
    expect(root.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/orders',
      'http.response.status_code': 201,
    });
    // Every other span of the trace descends from it.
    for (const span of tree.spans.filter((candidate) => candidate !== root)) {
      expect(tree.isDescendant(span, root)).toBe(true);
    }
  });

  it("puts Nest's controller and handler spans between the HTTP span and the call to the order service", () => {
    const root = tree.one('gateway', 'POST /orders', SpanKind.SERVER);
    expect(root.attributes[ATTR_APP_REQUEST_ID]).toBe(requestId);
    const controller = tree.one('gateway', 'OrdersController.create', SpanKind.INTERNAL);
    expect(controller.parentSpanId).toBe(root.spanId);
    expect(controller.scope).toBe('@opentelemetry/instrumentation-nestjs-core');
    expect(controller.attributes).toMatchObject({
      'nestjs.type': 'request_context',
      'nestjs.controller': 'OrdersController',
      'nestjs.callback': 'create',
      'http.route': '/orders',
      'http.request.method': 'POST',
    });
    const handler = tree.one('gateway', 'create', SpanKind.INTERNAL);
    expect(handler.parentSpanId).toBe(controller.spanId);
    expect(handler.attributes).toMatchObject({ 'nestjs.type': 'handler', 'nestjs.callback': 'create' });
    expect(tree.childrenOf(handler).map((span) => [span.name, span.kind])).toEqual([['order.create', SpanKind.CLIENT]]);
    expect(tree.childrenOf(root)).toEqual([controller]);
  });

  it('traces Prisma operations and their SQL, not the query compiler steps', () => {
    const names = new Set(tree.spans.filter((span) => span.scope === 'prisma').map((span) => span.name));
    expect(names).toContain('prisma:client:operation');
    expect(names).toContain('prisma:client:db_query');
    expect(names).not.toContain('prisma:client:serialize');
    expect(names).not.toContain('prisma:client:compile');
  });

  it('pairs the gateway CLIENT span with the order SERVER span', () => {
    const call = tree.one('gateway', 'order.create', SpanKind.CLIENT);
    const handler = tree.one('order', 'order.create', SpanKind.SERVER);
    hop(call, handler);
    for (const span of [call, handler]) {
      expect(span.attributes).toMatchObject({ 'rpc.system.name': 'nestjs', 'rpc.method': 'order.create' });
    }
    expect(call.attributes['server.port']).toBe(EXPECTED[transport].peerPort(stack));
  });

  it('pairs the order-to-user RPC under the @Traced() service span', () => {
    const service = tree.one('order', 'OrdersService.create', SpanKind.INTERNAL);
    expect(service.parentSpanId).toBe(tree.one('order', 'order.create', SpanKind.SERVER).spanId);
    expect(service.attributes['code.function.name']).toBe('OrdersService.create');

    const call = tree.one('order', 'user.exists', SpanKind.CLIENT);
    expect(call.parentSpanId).toBe(service.spanId);
    const handler = tree.one('user', 'user.exists', SpanKind.SERVER);
    hop(call, handler);
    expect(tree.one('user', 'UsersService.exists', SpanKind.INTERNAL).parentSpanId).toBe(handler.spanId);
  });

  it('puts Prisma db_query spans under the service code that ran them', () => {
    const orderService = tree.one('order', 'OrdersService.create');
    const inserts = tree.spans.filter(
      (span) =>
        isDbQuery(span) &&
        span.service === 'order' &&
        /INSERT INTO "public"\."orders"/.test(String(span.attributes['db.query.text'])),
    );
    expect(inserts).toHaveLength(1);
    expect(tree.isDescendant(inserts[0], orderService)).toBe(true);
    expect(inserts[0].attributes['db.system.name']).toBe('postgresql');

    const itemInserts = tree.spans.filter(
      (span) => isDbQuery(span) && /INSERT INTO "public"\."order_items"/.test(String(span.attributes['db.query.text'])),
    );
    expect(itemInserts.length).toBeGreaterThanOrEqual(1);
    itemInserts.forEach((span) => expect(tree.isDescendant(span, orderService)).toBe(true));

    const userLookup = tree.one('user', 'UsersService.exists');
    const userQueries = tree.spans.filter((span) => isDbQuery(span) && tree.isDescendant(span, userLookup));
    expect(userQueries.length).toBeGreaterThanOrEqual(1);
  });

  it('delivers order.created to a CONSUMER span in the same trace', () => {
    const producer = tree.one('order', 'send order.created', SpanKind.PRODUCER);
    // The order and its event are written together, then the event is published from the outbox (@Traced()).
    const send = tree.one('order', 'OutboxService.send', SpanKind.INTERNAL);
    expect(producer.parentSpanId).toBe(send.spanId);
    expect(tree.parentOf(send)?.name).toBe('OutboxService.publish');
    expect(tree.isDescendant(send, tree.one('order', 'OrdersService.create'))).toBe(true);
    expect(producer.attributes).toMatchObject({
      'messaging.destination.name': 'order.created',
      'messaging.operation.type': 'send',
    });

    expect(producer.attributes['messaging.system.name']).toBe(EXPECTED[transport].messagingSystem);
    const consumer = tree.one('user', 'process order.created', SpanKind.CONSUMER);
    hop(producer, consumer);
    expect(consumer.attributes).toMatchObject({ 'messaging.operation.type': 'process' });

    const recordOrder = tree.one('user', 'UsersService.recordOrder', SpanKind.INTERNAL);
    expect(recordOrder.parentSpanId).toBe(consumer.spanId);
    const update = tree.spans.find(
      (span) => isDbQuery(span) && /UPDATE users SET order_count/.test(String(span.attributes['db.query.text'])),
    );
    expect(update && tree.isDescendant(update, recordOrder)).toBe(true);
  });

  it('sets service.name, service.instance.id and deployment.environment.name on every span', () => {
    for (const span of tree.spans) {
      // Prefixed with the project's name, so that service names stay unique across a company's backends.
      expect(span.resource['service.name']).toBe(`${PROJECT_NAME}-${span.service}`);
      expect(span.resource['service.instance.id']).toEqual(expect.any(String));
      expect(span.resource['deployment.environment.name']).toBe('test');
      expect(span.resource['service.version']).toEqual(expect.stringMatching(/^\d+\.\d+\.\d+/));
    }
  });

  it('names every attribute of our spans after the semantic conventions or a documented app.* key', () => {
    expect(unconventionalAttributes(tree.spans)).toEqual([]);
    // It saw spans of our own tracers (@Traced(), the RPC client and server spans) in every app.
    const own = tree.spans.filter((span) => isOwnScope(span.scope));
    expect(new Set(own.map((span) => span.service))).toEqual(new Set(['gateway', 'order', 'user']));
    // The check above saw the request id on the entry span of every app, our own and other libraries' (HTTP).
    const withRequestId = tree.spans.filter((span) => span.attributes[ATTR_APP_REQUEST_ID] === requestId);
    expect(new Set(withRequestId.map((span) => span.service))).toEqual(new Set(['gateway', 'order', 'user']));
    expect(withRequestId.some((span) => span.scope.startsWith('@opentelemetry/instrumentation-'))).toBe(true);
  });

  it('writes log lines carrying the trace id, span id and request id in all three apps', async () => {
    const linesOf = (app: 'gateway' | 'user' | 'order') =>
      stack.app(app).logs.filter((line) => line.trace_id === client.traceId);
    // The consumer runs after the response; its log line may land a moment later.
    await waitUntil(() => linesOf('user').some((line) => line.msg === 'order counted'));

    for (const app of ['gateway', 'user', 'order'] as const) {
      const lines = linesOf(app);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        expect(line).toMatchObject({ service: app, request_id: requestId });
        expect(line.span_id).toMatch(/^[0-9a-f]{16}$/);
      }
    }
    expect(linesOf('order').map((line) => line.msg)).toContain('order created');
  });

  it('moves the RED metrics of every app, and counts neither probes nor scrapes', async () => {
    const [gateway, order, user] = await Promise.all([
      scrape(stack.httpUrl('gateway')),
      scrape(stack.httpUrl('order')),
      scrape(stack.httpUrl('user')),
    ]);
    const count = (name: string) => `${name}_count`;

    expect(
      total(gateway, count('http_server_request_duration'), {
        http_route: '/orders',
        http_response_status_code: '201',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(total(gateway, count('rpc_client_call_duration'), { rpc_method: 'order.create' })).toBeGreaterThanOrEqual(1);
    expect(total(order, count('rpc_server_call_duration'), { rpc_method: 'order.create' })).toBeGreaterThanOrEqual(1);
    expect(total(order, count('rpc_client_call_duration'), { rpc_method: 'user.exists' })).toBeGreaterThanOrEqual(1);
    expect(
      total(order, count('messaging_client_operation_duration'), { messaging_destination_name: 'order.created' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      total(user, count('messaging_process_duration'), { messaging_destination_name: 'order.created' }),
    ).toBeGreaterThanOrEqual(1);
    expect(total(order, count('db_client_operation_duration'), { db_operation_name: 'INSERT' })).toBeGreaterThanOrEqual(
      1,
    );
    expect(total(user, 'nodejs_eventloop_delay_p99')).toBeGreaterThan(0);

    // The stack polled /health/ready until it was up, and we just scraped: neither shows up as traffic.
    for (const samples of [gateway, order, user]) {
      const routes = samples.filter((sample) => sample.name.startsWith('http_server_request_duration'));
      expect(routes.filter((sample) => /health|metrics/.test(sample.labels.http_route ?? ''))).toEqual([]);
      for (const probe of ['user.ping', 'order.ping']) {
        expect(total(samples, count('rpc_server_call_duration'), { rpc_method: probe })).toBe(0);
        expect(total(samples, count('rpc_client_call_duration'), { rpc_method: probe })).toBe(0);
      }
    }
  });

  it('has no W3C test endpoint unless TRACECONTEXT_TEST_ENDPOINT is on', async () => {
    const response = await post('/test', [{ url: 'http://127.0.0.1:9/', arguments: [] }]);
    expect(response.status).toBe(404);
  });

  it('counts the order on the user once the event is consumed', async () => {
    let orderCount = 0;
    await waitUntil(async () => {
      const response = await fetch(`${stack.gatewayUrl}/users/${order.userId}`);
      orderCount = ((await response.json()) as { orderCount: number }).orderCount;
      return orderCount === 1;
    });
    expect(orderCount).toBe(1);
  });
});
