import { randomUUID } from 'node:crypto';
import { IncomingHttpHeaders, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClientProxyFactory, Transport } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { expectErrorBody } from './support/error-body';
import { email, useGatewayApi } from './support/gateway-api';
import { SpanKind } from './support/otlp-receiver';
import type { Stack } from './support/stack';
import { parseTraceHeader } from './support/traceparent';
import { waitUntil } from './support/wait';

// The gateway's request id and trace headers, an event delivered again by a publisher that does not trace, and the
// W3C trace-context test endpoint. The answers themselves: api-errors.e2e-spec.ts.
const api = useGatewayApi();
const { receiver, call } = api;
let stack: Stack;

beforeAll(() => {
  stack = api.stack;
});

describe('request id and trace headers', () => {
  it('echoes a sane x-request-id and replaces an unsafe one', async () => {
    const sane = await call('GET', `/users/${randomUUID()}`, undefined, { 'x-request-id': 'client-id-123' });
    expect(sane.response.headers.get('x-request-id')).toBe('client-id-123');

    const unsafe = await call('GET', `/users/${randomUUID()}`, undefined, { 'x-request-id': 'bad id\twith spaces' });
    expect(unsafe.response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(unsafe.body!.requestId).toBe(unsafe.response.headers.get('x-request-id'));
  });

  it.each([
    ['garbage', 'garbage'],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${'1'.repeat(16)}-01`],
    ['a bad version', `ff-${'a'.repeat(32)}-${'b'.repeat(16)}-01`],
    ['upper-case hex', `00-${'A'.repeat(32)}-${'B'.repeat(16)}-01`],
  ])('starts a fresh trace for a traceparent with %s', async (_case, traceparent) => {
    const result = await call('POST', '/users', { email: email(), name: 'T' }, { traceparent });
    expect(result.status).toBe(201);
    const { traceId } = parseTraceHeader(result.response.headers.get('traceresponse'));
    expect(traceparent).not.toContain(traceId);
    const [root] = await receiver.waitForTrace(traceId, (spans) =>
      spans.some((span) => span.service === 'gateway' && span.kind === SpanKind.SERVER),
    );
    const server = receiver.trace(traceId).find((span) => span.service === 'gateway' && span.kind === SpanKind.SERVER)!;
    expect(root).toBeDefined();
    expect(server.parentSpanId).toBeUndefined();
  });

  it('does not trace health probes', async () => {
    for (const app of ['gateway', 'user', 'order'] as const) {
      for (const probe of ['live', 'ready']) {
        expect((await fetch(`${stack.httpUrl(app)}/health/${probe}`)).status).toBe(200);
      }
    }
    // Traced requests after the probes, through every app: once their spans arrive, each app's export
    // queue has flushed past the probes (it exports in order), so any probe span would be here too.
    for (const path of [`/users/${randomUUID()}`, `/orders/${randomUUID()}`]) {
      const marker = await call('GET', path);
      const { traceId } = parseTraceHeader(marker.response.headers.get('traceresponse'));
      await receiver.waitForTrace(traceId, (spans) =>
        spans.some((span) => span.kind === SpanKind.SERVER && span.service !== 'gateway'),
      );
    }
    const probeSpans = receiver.spans.filter(
      (span) =>
        `${span.attributes['url.path'] as string | undefined}`.startsWith('/health') ||
        span.attributes['db.query.text'] === 'SELECT 1',
    );
    expect(probeSpans).toEqual([]);
  });
});

describe('order.created delivered more than once', () => {
  it('counts the order once, for sequential and concurrent redeliveries', async () => {
    const user = (await call('POST', '/users', { email: email(), name: 'Twice' })).body as { id: string };
    // A plain Nest TCP client, as a second publisher or a broker redelivery would be: no tracing, same event.
    const client = ClientProxyFactory.create({
      transport: Transport.TCP,
      options: { host: '127.0.0.1', port: Number(stack.env.USER_RPC_PORT) },
    });
    const event = { orderId: randomUUID(), userId: user.id, totalCents: 100 };
    try {
      await lastValueFrom(client.emit('order.created', event), { defaultValue: undefined });
      await Promise.all(
        Array.from({ length: 5 }, () =>
          lastValueFrom(client.emit('order.created', event), { defaultValue: undefined }),
        ),
      );
      const applied = () =>
        stack.app('user').logs.filter((line) => line.orderId === event.orderId && String(line.msg).startsWith('order'));
      // Every delivery is handled (and logged) before we look at the count.
      await waitUntil(() => applied().length === 6);
      expect(applied().filter((line) => line.msg === 'order counted')).toHaveLength(1);
      const fetched = await call('GET', `/users/${user.id}`);
      expect(fetched.body!.orderCount).toBe(1);
    } finally {
      await client.close();
    }
  });
});

/** Runs `test` against a stand-in for the W3C harness, which records each callback the gateway makes. */
async function withHarness(
  test: (url: string, received: { headers: IncomingHttpHeaders; body: string }[]) => Promise<void>,
): Promise<void> {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const harness = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.end();
    });
  });
  await new Promise<void>((resolve) => harness.listen(0, '127.0.0.1', resolve));
  try {
    await test(`http://127.0.0.1:${(harness.address() as AddressInfo).port}/callback`, received);
  } finally {
    await new Promise((resolve) => harness.close(resolve));
  }
}

describe('W3C trace-context test endpoint (TRACECONTEXT_TEST_ENDPOINT=true)', () => {
  it('POSTs each case to its url with the propagated traceparent and tracestate, and answers when all are done', async () => {
    await withHarness(async (url, received) => {
      const traceId = randomUUID().replaceAll('-', '');
      const result = await call(
        'POST',
        '/test',
        [
          { url, arguments: [{ url, arguments: [] }] },
          { url, arguments: { second: true } },
        ],
        { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, tracestate: 'vendor=value,other=1' },
      );

      expect(result.status).toBe(200);
      expect(received.map(({ body }) => JSON.parse(body))).toEqual([[{ url, arguments: [] }], { second: true }]);
      for (const { headers } of received) {
        const forwarded = parseTraceHeader(headers.traceparent as string);
        expect(forwarded.traceId).toBe(traceId);
        expect(forwarded.spanId).not.toBe('00f067aa0ba902b7');
        expect(headers.tracestate).toBe('vendor=value,other=1');
      }
    });
  });

  it('propagates W3C Trace Context Level 2: the random flag kept, an invalid tracestate dropped whole', async () => {
    await withHarness(async (url, received) => {
      const sampled = randomUUID().replaceAll('-', '');
      const unsampled = randomUUID().replaceAll('-', '');

      // foo@ is a Level 2 key; an empty value is illegal, so all of the first tracestate goes.
      const first = await call('POST', '/test', [{ url, arguments: [] }], {
        traceparent: `00-${sampled}-00f067aa0ba902b7-03`,
        tracestate: 'foo@=1,bar=,baz=3',
      });
      const second = await call('POST', '/test', [{ url, arguments: [] }], {
        traceparent: `00-${unsampled}-00f067aa0ba902b7-02`,
        tracestate: 'foo@=1,tenant@vendor=2',
      });

      expect([first.status, second.status]).toEqual([200, 200]);
      const [kept, passedOn] = received.map(({ headers }) => headers);
      expect(kept.traceparent).toMatch(new RegExp(`^00-${sampled}-[0-9a-f]{16}-03$`));
      expect(kept).not.toHaveProperty('tracestate');
      expect(passedOn.traceparent).toMatch(new RegExp(`^00-${unsampled}-[0-9a-f]{16}-02$`));
      expect(passedOn.tracestate).toBe('foo@=1,tenant@vendor=2');

      // The sampled call's parent id is the gateway's CLIENT span, a child of its SERVER span for POST /test.
      const spans = await receiver.waitForTrace(sampled, (trace) =>
        trace.some((span) => span.kind === SpanKind.CLIENT),
      );
      const client = spans.find((span) => span.service === 'gateway' && span.kind === SpanKind.CLIENT)!;
      const server = spans.find((span) => span.service === 'gateway' && span.kind === SpanKind.SERVER)!;
      expect(parseTraceHeader(kept.traceparent as string).spanId).toBe(client.spanId);
      expect(server.parentSpanId).toBe('00f067aa0ba902b7');
    });
  });

  it('rejects a case without a valid url', async () => {
    expectErrorBody(await call('POST', '/test', [{ url: 'not a url', arguments: [] }]), 400);
  });
});
