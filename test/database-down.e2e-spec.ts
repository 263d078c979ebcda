import { randomUUID } from 'node:crypto';
import { OtlpReceiver, SpanKind } from './support/otlp-receiver';
import { SpanTree } from './support/span-tree';
import { Stack } from './support/stack';
import { parseTraceHeader } from './support/traceparent';
import { waitUntil } from './support/wait';

const receiver = new OtlpReceiver();
let stack: Stack;

beforeAll(async () => {
  await receiver.start();
  stack = await new Stack({ otlpEndpoint: receiver.endpoint, proxyDatabases: true }).start();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await receiver.stop();
});

async function call(method: 'GET' | 'POST', path: string, body?: unknown) {
  const response = await fetch(`${stack.gatewayUrl}${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    traceId: parseTraceHeader(response.headers.get('traceresponse')).traceId,
  };
}

const readiness = async (app: string) => (await fetch(`${stack.httpUrl(app)}/health/ready`)).status;

describe("the user service's database goes away", () => {
  it('answers 503 with the trace id, reports not ready, and recovers when it is back, with no restart', async () => {
    const created = await call('POST', '/users', { email: `${randomUUID()}@example.com`, name: 'Cut' });
    expect(created.status).toBe(201);
    const userId = created.body.id as string;
    const pid = stack.app('user').pid;

    stack.databaseProxy('user').cut();

    // A read, and an order whose user check needs the user database: both unavailable, not a 500 or a timeout.
    const read = await call('GET', `/users/${userId}`);
    expect(read).toMatchObject({ status: 503, body: { statusCode: 503, traceId: read.traceId } });
    const order = await call('POST', '/orders', { userId, items: [{ sku: 'CUT-1', quantity: 1, unitPriceCents: 1 }] });
    expect(order).toMatchObject({ status: 503, body: { statusCode: 503, traceId: order.traceId } });
    expect(await readiness('user')).toBe(503);
    expect(await readiness('order')).toBe(200);

    // The failure is in the trace, on the handler that met it.
    const tree = new SpanTree(
      await receiver.waitForTrace(read.traceId, (spans) =>
        ['user', 'gateway'].every((service) =>
          spans.some((span) => span.service === service && span.kind === SpanKind.SERVER),
        ),
      ),
    );
    const handler = tree.one('user', 'user.get', SpanKind.SERVER);
    expect(handler.attributes['error.type']).toBe('SERVICE_UNAVAILABLE');
    expect(tree.one('gateway', 'GET /users/:id', SpanKind.SERVER).attributes['http.response.status_code']).toBe(503);

    await stack.databaseProxy('user').acceptAgain();

    await waitUntil(async () => (await readiness('user')) === 200, { description: () => 'user never ready again' });
    expect((await call('GET', `/users/${userId}`)).status).toBe(200);
    const retried = await call('POST', '/orders', {
      userId,
      items: [{ sku: 'CUT-2', quantity: 1, unitPriceCents: 1 }],
    });
    expect(retried.status).toBe(201);
    expect(stack.app('user').pid).toBe(pid);
    expect(stack.app('user').running).toBe(true);
  }, 60_000);
});
