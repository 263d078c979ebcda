import { randomUUID } from 'node:crypto';
import { IncomingHttpHeaders, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SERVICE_NAMES } from '@app/config';
import { ClientProxyFactory, Transport } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { OtlpReceiver, SpanKind } from './support/otlp-receiver';
import { Stack } from './support/stack';
import { expectErrorBody } from './support/error-body';
import { parseTraceHeader } from './support/traceparent';
import { waitUntil } from './support/wait';

const receiver = new OtlpReceiver();
let stack: Stack;

beforeAll(async () => {
  await receiver.start();
  stack = new Stack({ otlpEndpoint: receiver.endpoint, env: { TRACECONTEXT_TEST_ENDPOINT: 'true' } });
  await stack.start();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await receiver.stop();
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${stack.gatewayUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { response, status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

const email = () => `user-${randomUUID()}@example.com`;

describe('gateway API errors', () => {
  it('creates a user with the documented shape', async () => {
    const result = await call('POST', '/users', { email: email(), name: 'Grace' });
    expect(result.status).toBe(201);
    expect(result.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      email: expect.any(String),
      name: 'Grace',
      orderCount: 0,
      createdAt: expect.any(String),
    });
  });

  it('answers 409 to a duplicate email', async () => {
    const address = email();
    expect((await call('POST', '/users', { email: address, name: 'A' })).status).toBe(201);
    expectErrorBody(await call('POST', '/users', { email: address, name: 'B' }), 409);
  });

  it.each([
    ['a missing name', { email: 'x@example.com' }],
    ['a bad email', { email: 'not-an-email', name: 'A' }],
    ['an unknown field', { email: 'x@example.com', name: 'A', admin: true }],
    ['an empty name', { email: 'x@example.com', name: '' }],
  ])('answers 400 to %s', async (_case, body) => {
    expectErrorBody(await call('POST', '/users', body), 400);
  });

  it('answers 400 to broken JSON', async () => {
    expectErrorBody(await call('POST', '/users', '{"email": '), 400);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('answers 400 to a body with a "%s" key', async (key) => {
    const body = `{"email":"${email()}","name":"Proto","${key}":{"admin":true}}`;
    expectErrorBody(await call('POST', '/users', body), 400);
  });

  it('answers 413 to a body over the size limit', async () => {
    const result = await call('POST', '/users', { email: email(), name: 'x'.repeat(200_000) });
    expectErrorBody(result, 413);
  });

  it('answers 415 to a body that is not JSON', async () => {
    const result = await call('POST', '/users', 'email=a@b.com&name=A', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expectErrorBody(result, 415);
  });

  it('answers 404 to an unknown user and 400 to a malformed id', async () => {
    expectErrorBody(await call('GET', `/users/${randomUUID()}`), 404);
    expectErrorBody(await call('GET', '/users/not-a-uuid'), 400);
    expectErrorBody(await call('GET', `/users/${randomUUID()}/orders`), 404);
  });

  it('answers 404 to an unknown order and 400 to a malformed id', async () => {
    expectErrorBody(await call('GET', `/orders/${randomUUID()}`), 404);
    expectErrorBody(await call('GET', '/orders/123'), 400);
  });

  it('answers 422 to an order for an unknown user', async () => {
    const result = await call('POST', '/orders', {
      userId: randomUUID(),
      items: [{ sku: 'A', quantity: 1, unitPriceCents: 100 }],
    });
    expectErrorBody(result, 422);
  });

  it.each([
    ['no items', []],
    ['51 items', Array.from({ length: 51 }, () => ({ sku: 'A', quantity: 1, unitPriceCents: 1 }))],
    ['a zero quantity', [{ sku: 'A', quantity: 0, unitPriceCents: 1 }]],
    ['a fractional price', [{ sku: 'A', quantity: 1, unitPriceCents: 1.5 }]],
    ['a negative price', [{ sku: 'A', quantity: 1, unitPriceCents: -1 }]],
    ['a string quantity', [{ sku: 'A', quantity: '1', unitPriceCents: 1 }]],
  ])('answers 400 to an order with %s', async (_case, items) => {
    expectErrorBody(await call('POST', '/orders', { userId: randomUUID(), items }), 400);
  });

  it('lists the orders of a user, newest first', async () => {
    const user = (await call('POST', '/users', { email: email(), name: 'L' })).body as { id: string };
    for (const sku of ['FIRST', 'SECOND']) {
      const created = await call('POST', '/orders', {
        userId: user.id,
        items: [{ sku, quantity: 1, unitPriceCents: 1 }],
      });
      expect(created.status).toBe(201);
    }
    const listed = await call('GET', `/users/${user.id}/orders`);
    expect(listed.status).toBe(200);
    const page = listed.body as unknown as OrderPageBody;
    expect(page.orders.map((order) => order.items[0].sku)).toEqual(['SECOND', 'FIRST']);
    expect(page.nextCursor).toBeNull();
  });

  it('pages through the orders of a user with limit and cursor, unaffected by orders created meanwhile', async () => {
    const user = (await call('POST', '/users', { email: email(), name: 'P' })).body as { id: string };
    const createOrder = async (sku: string) => {
      const created = await call('POST', '/orders', {
        userId: user.id,
        items: [{ sku, quantity: 1, unitPriceCents: 1 }],
      });
      expect(created.status).toBe(201);
      return created.body!.id as string;
    };
    const ids: string[] = [];
    for (const sku of ['O1', 'O2', 'O3', 'O4', 'O5']) ids.unshift(await createOrder(sku));

    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '?limit=2' : `?limit=2&cursor=${encodeURIComponent(cursor)}`;
      const listed = await call('GET', `/users/${user.id}/orders${query}`);
      expect(listed.status).toBe(200);
      const page = listed.body as unknown as OrderPageBody;
      pages.push(page.orders.map((order) => order.id));
      cursor = page.nextCursor;
      // Created after the first page was read: newer than every cursor, so no later page shows it or shifts.
      if (pages.length === 1) await createOrder('NEWER');
    } while (cursor !== null);

    expect(pages).toEqual([ids.slice(0, 2), ids.slice(2, 4), ids.slice(4)]);
  });

  it.each([
    ['a limit of 0', '?limit=0'],
    ['a limit over the maximum', '?limit=101'],
    ['a limit that is not a number', '?limit=ten'],
    ['a malformed cursor', '?cursor=not-a-cursor'],
    ['a cursor that is base64 of something else', `?cursor=${Buffer.from('["x","y"]').toString('base64url')}`],
    ['an unknown query parameter', '?offset=10'],
  ])('answers 400 with the trace id to %s', async (_case, query) => {
    const user = (await call('POST', '/users', { email: email(), name: 'Q' })).body as { id: string };
    expectErrorBody(await call('GET', `/users/${user.id}/orders${query}`), 400);
  });

  it('gets an order by id', async () => {
    const user = (await call('POST', '/users', { email: email(), name: 'G' })).body as { id: string };
    const created = await call('POST', '/orders', {
      userId: user.id,
      items: [{ sku: 'X', quantity: 3, unitPriceCents: 7 }],
    });
    const fetched = await call('GET', `/orders/${created.body!.id as string}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(created.body);
  });
});

interface OrderPageBody {
  orders: { id: string; items: { sku: string }[] }[];
  nextCursor: string | null;
}

interface OpenApiSchema {
  $ref?: string;
  type?: string;
  items?: OpenApiSchema;
  properties?: Record<string, OpenApiSchema>;
}

interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { responses?: Record<string, { content?: Record<string, { schema?: OpenApiSchema }> }> }>
  >;
  components?: { schemas?: Record<string, OpenApiSchema> };
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

/** Routes whose 2xx answers have no JSON schema, or a $ref to a schema the document lacks or leaves empty. */
function undocumentedSuccesses(document: OpenApiDocument): string[] {
  const resolves = (schema: OpenApiSchema | undefined): boolean => {
    if (!schema) return false;
    if (schema.$ref) {
      const target = document.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')];
      return target !== undefined && Object.keys(target.properties ?? {}).length > 0;
    }
    return schema.type === 'array' ? resolves(schema.items) : schema.type !== undefined;
  };
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations)
      .filter(([method]) => HTTP_METHODS.has(method))
      .filter(([, { responses = {} }]) => {
        const successes = Object.entries(responses).filter(([status]) => /^2\d\d$/.test(status));
        return !successes.some(([, response]) => resolves(response.content?.['application/json']?.schema));
      })
      .map(([method]) => `${method.toUpperCase()} ${path}`),
  );
}

describe('Swagger', () => {
  it('serves the UI at /docs and documents every route', async () => {
    const ui = await fetch(`${stack.gatewayUrl}/docs`);
    expect(ui.status).toBe(200);
    expect(ui.headers.get('content-type')).toContain('text/html');

    const document = (await (await fetch(`${stack.gatewayUrl}/docs-json`)).json()) as { paths: Record<string, object> };
    // The routes of user and order, and the example route of each service `npm run new:service` added since.
    const generated = (SERVICE_NAMES as readonly string[]).filter(
      (service) => service !== 'user' && service !== 'order',
    );
    expect(Object.keys(document.paths).sort()).toEqual(
      [
        '/orders',
        '/orders/{id}',
        '/users',
        '/users/{id}',
        '/users/{id}/orders',
        ...generated.map((s) => `/${s}`),
      ].sort(),
    );
  });

  it('documents a JSON schema for the success answer of every route', async () => {
    const document = (await (await fetch(`${stack.gatewayUrl}/docs-json`)).json()) as OpenApiDocument;

    expect(Object.keys(document.paths).length).toBeGreaterThan(0);
    expect(undocumentedSuccesses(document)).toEqual([]);
  });

  it('describes the page of GET /users/{id}/orders as it is answered', async () => {
    const document = (await (await fetch(`${stack.gatewayUrl}/docs-json`)).json()) as OpenApiDocument;
    const user = (await call('POST', '/users', { email: email(), name: 'S' })).body as { id: string };
    const listed = await call('GET', `/users/${user.id}/orders`);

    const schema = document.paths['/users/{id}/orders'].get.responses!['200'].content!['application/json'].schema!;
    const page = document.components!.schemas![schema.$ref!.replace('#/components/schemas/', '')];
    expect(Object.keys(page.properties!).sort()).toEqual(Object.keys(listed.body!).sort());
  });
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
