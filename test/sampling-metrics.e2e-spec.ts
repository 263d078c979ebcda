import { OtlpReceiver } from './support/otlp-receiver';
import { scrape, total } from './support/prometheus';
import { Stack } from './support/stack';
import { waitUntil } from './support/wait';

const ORDERS = 20;
const count = (name: string) => `${name}_count`;

/**
 * The dashboard's RED and database series are metrics, not spans: they must count every request and query whatever
 * the sampler keeps. A span processor sees only sampled spans, so metrics derived from spans would count a tenth at
 * 10% sampling and nothing with always_off.
 */
describe.each([
  ['always_off', {}],
  ['parentbased_traceidratio', { OTEL_TRACES_SAMPLER_ARG: '0.1' }],
])('metrics under OTEL_TRACES_SAMPLER=%s', (sampler, extra) => {
  const receiver = new OtlpReceiver();
  let stack: Stack;

  beforeAll(async () => {
    await receiver.start();
    stack = await new Stack({
      otlpEndpoint: receiver.endpoint,
      env: { OTEL_TRACES_SAMPLER: sampler, ...extra },
    }).start();
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await receiver.stop();
  });

  it(`counts each of ${ORDERS} orders in every RED series and its queries in the DB series`, async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${stack.gatewayUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const user = (await (await post('/users', { email: `s-${Date.now()}@example.com`, name: 'S' })).json()) as {
      id: string;
    };
    for (let i = 0; i < ORDERS; i++) {
      const response = await post('/orders', {
        userId: user.id,
        items: [{ sku: 'BOOK-1', quantity: 1, unitPriceCents: 100 }],
      });
      expect(response.status).toBe(201);
    }

    const series = async () => {
      const [gateway, order, userService] = await Promise.all(
        ['gateway', 'order', 'user'].map((app) => scrape(stack.httpUrl(app))),
      );
      return {
        http: total(gateway, count('http_server_request_duration'), { http_route: '/orders' }),
        rpcClient: total(gateway, count('rpc_client_call_duration'), { rpc_method: 'order.create' }),
        rpcServer: total(order, count('rpc_server_call_duration'), { rpc_method: 'order.create' }),
        send: total(order, count('messaging_client_operation_duration'), {
          messaging_destination_name: 'order.created',
        }),
        process: total(userService, count('messaging_process_duration'), {
          messaging_destination_name: 'order.created',
        }),
        orderInserts: total(order, count('db_client_operation_duration'), { db_operation_name: 'INSERT' }),
        // The consumer applies each event in one statement: WITH recorded AS (INSERT ...) UPDATE users ...
        userEventWrites: total(userService, count('db_client_operation_duration'), { db_operation_name: 'WITH' }),
      };
    };
    // The events are consumed after the responses: wait for the last one.
    await waitUntil(async () => (await series()).process >= ORDERS);

    const seen = await series();
    expect(seen).toMatchObject({ http: ORDERS, rpcClient: ORDERS, rpcServer: ORDERS, send: ORDERS, process: ORDERS });
    // Each order is at least one INSERT (the order, its items and its outbox row), and one write on the user.
    expect(seen.orderInserts).toBeGreaterThanOrEqual(ORDERS);
    expect(seen.userEventWrites).toBeGreaterThanOrEqual(ORDERS);
    if (sampler === 'always_off') expect(receiver.spans).toEqual([]);
  });
});
