import { randomUUID } from 'node:crypto';
import { SERVICE_NAMES } from '@app/config';
import { expectErrorBody } from './support/error-body';
import { email, useGatewayApi } from './support/gateway-api';
import type { Stack } from './support/stack';

// The gateway's answers, right and wrong, and its OpenAPI document. Request ids, trace headers and the W3C test
// endpoint: api-tracing.e2e-spec.ts.
const api = useGatewayApi();
const { call } = api;
let stack: Stack;

beforeAll(() => {
  stack = api.stack;
});

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
