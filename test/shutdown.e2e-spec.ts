import { randomUUID } from 'node:crypto';
import { OtlpReceiver } from './support/otlp-receiver';
import { Stack } from './support/stack';
import { parseTraceHeader } from './support/traceparent';

const receiver = new OtlpReceiver();
let stack: Stack;

beforeAll(async () => {
  await receiver.start();
  // A batch delay far beyond the test: spans can only reach the receiver through the flush on shutdown.
  stack = await new Stack({ otlpEndpoint: receiver.endpoint, env: { OTEL_BSP_SCHEDULE_DELAY: '600000' } }).start();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await receiver.stop();
});

describe('shutdown on SIGTERM', () => {
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
