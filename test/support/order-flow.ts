import { OtlpReceiver, ReceivedSpan, SpanKind } from './otlp-receiver';
import { SpanTree, isConnected } from './span-tree';
import type { Stack, TransportKind } from './stack';
import { newTraceparent, parseTraceHeader } from './traceparent';

/** A JSON POST to the gateway. */
export async function postJson(gatewayUrl: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${gatewayUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

export async function createUser(gatewayUrl: string, name = 'Ada'): Promise<{ id: string; email: string }> {
  const response = await postJson(gatewayUrl, '/users', {
    email: `${name.toLowerCase()}-${Date.now()}-${Math.random()}@example.com`,
    name,
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; email: string };
}

export const isDbQuery = (span: ReceivedSpan) => span.name === 'prisma:client:db_query';

/** Where each transport's events are attributed, and which port the caller's spans name. */
export const EXPECTED: Record<TransportKind, { messagingSystem: string; peerPort: (stack: Stack) => number }> = {
  tcp: { messagingSystem: 'nestjs_tcp', peerPort: (stack) => Number(stack.env.ORDER_RPC_PORT) },
  nats: { messagingSystem: 'nats', peerPort: () => 4222 },
  rmq: { messagingSystem: 'rabbitmq', peerPort: () => 5672 },
  grpc: { messagingSystem: 'grpc', peerPort: (stack) => Number(stack.env.ORDER_RPC_PORT) },
};

/**
 * The handler's span continues the caller's. On gRPC, @opentelemetry/instrumentation-grpc adds its own
 * CLIENT and SERVER spans in between, carrying the context in the call's metadata.
 */
export function expectHop(tree: SpanTree, transport: TransportKind, caller: ReceivedSpan, handler: ReceivedSpan): void {
  if (transport !== 'grpc') {
    expect(handler.parentSpanId).toBe(caller.spanId);
    return;
  }
  const grpcServer = tree.parentOf(handler)!;
  const grpcClient = tree.parentOf(grpcServer)!;
  expect([grpcServer.kind, grpcClient.kind]).toEqual([SpanKind.SERVER, SpanKind.CLIENT]);
  expect(grpcServer.attributes['rpc.system']).toBe('grpc');
  expect(grpcClient.parentSpanId).toBe(caller.spanId);
}

export interface TracedOrder {
  tree: SpanTree;
  client: ReturnType<typeof newTraceparent>;
  requestId: string;
  order: { id: string; userId: string; totalCents: number; status: string; items: unknown[] };
}

/**
 * The order of order-flow.e2e-spec.ts: a new user's two-item order, sent with a caller's traceparent and a request
 * id, and its trace once the spans of every step, down to the user service's event handling, have arrived.
 */
export async function placeTracedOrder(gatewayUrl: string, receiver: OtlpReceiver): Promise<TracedOrder> {
  const user = await createUser(gatewayUrl);
  const client = newTraceparent();
  const requestId = `e2e-${Date.now()}`;
  const response = await postJson(
    gatewayUrl,
    '/orders',
    {
      userId: user.id,
      items: [
        { sku: 'BOOK-1', quantity: 2, unitPriceCents: 1500 },
        { sku: 'PEN-2', quantity: 1, unitPriceCents: 250 },
      ],
    },
    { traceparent: client.header, 'x-request-id': requestId },
  );
  expect(response.status).toBe(201);
  expect(response.headers.get('x-request-id')).toBe(requestId);
  expect(parseTraceHeader(response.headers.get('traceresponse')).traceId).toBe(client.traceId);
  const order = (await response.json()) as TracedOrder['order'];

  const spans = await receiver.waitForTrace(client.traceId, (received) => {
    const names = new Set(received.map((span) => `${span.service}:${span.name}`));
    return (
      [
        'user:UsersService.recordOrder',
        'gateway:POST /orders',
        'gateway:OrdersController.create',
        'gateway:create',
        'order:OrdersService.create',
        'order:send order.created',
      ].every((name) => names.has(name)) &&
      isConnected(received, client.spanId) &&
      received.filter((span) => span.service === 'user' && isDbQuery(span)).length >= 2
    );
  });
  return { tree: new SpanTree(spans), client, requestId, order };
}
