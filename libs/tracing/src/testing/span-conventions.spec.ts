import { APP_ATTRIBUTES, ATTR_APP_REQUEST_ID } from '../app-attributes';
import { TRACER_NAME } from '../traced/span-scope';
import { isConventionalKey, isSemconvKey, unconventionalAttributes } from './span-conventions';

const span = (scope: string, attributes: Record<string, unknown>) => ({
  service: 'order',
  name: 'OrdersService.create',
  scope,
  attributes,
});

describe(isSemconvKey.name, () => {
  it.each(['http.response.status_code', 'rpc.method', 'messaging.destination.name', 'code.function.name'])(
    'knows %s, stable or incubating',
    (key) => expect(isSemconvKey(key)).toBe(true),
  );

  it('knows keys under a template such as http.request.header.<key>, but not the bare prefix', () => {
    expect(isSemconvKey('http.request.header.content-type')).toBe(true);
    expect(isSemconvKey('http.request.header.')).toBe(false);
  });

  it.each(['request.id', 'tenant.id', 'http.status', 'order.total'])('rejects %s', (key) => {
    expect(isSemconvKey(key)).toBe(false);
  });
});

describe('the documented app.* attributes', () => {
  it('are all under app.* and none is a semantic-convention key (app.* is a conventions namespace too)', () => {
    for (const key of APP_ATTRIBUTES) {
      expect(key).toMatch(/^app\.[a-z0-9_.]+$/);
      expect(isSemconvKey(key)).toBe(false);
    }
  });

  it('are the only app.* keys allowed', () => {
    expect(isConventionalKey(ATTR_APP_REQUEST_ID)).toBe(true);
    expect(isConventionalKey('app.undocumented')).toBe(false);
  });
});

describe(unconventionalAttributes.name, () => {
  it('accepts conventional keys on our spans', () => {
    expect(
      unconventionalAttributes([span(TRACER_NAME, { 'code.function.name': 'create', [ATTR_APP_REQUEST_ID]: 'r-1' })]),
    ).toEqual([]);
  });

  it('names the span and the key of anything else on the spans of our tracers', () => {
    expect(
      unconventionalAttributes([span(TRACER_NAME, { 'request.id': 'r-1', 'rpc.method': 'order.create' })]),
    ).toEqual(['order:OrdersService.create (scope @app/tracing) sets "request.id"']);
    expect(unconventionalAttributes([span('app', { 'order.total': 3 })])).toHaveLength(1);
    expect(unconventionalAttributes([span('@app/gateway', { 'url.whatever': 'x' })])).toHaveLength(1);
  });

  it("leaves other libraries' own keys alone but not an undocumented app.* key from baggage", () => {
    expect(unconventionalAttributes([span('@opentelemetry/instrumentation-express', { 'express.name': 'x' })])).toEqual(
      [],
    );
    expect(unconventionalAttributes([span('prisma', { 'app.tenant.id': 'acme' })])).toEqual([
      'order:OrdersService.create (scope prisma) sets "app.tenant.id"',
    ]);
  });

  it("accepts the Nest instrumentation's controller and handler spans with their nestjs.* keys", () => {
    const nest = '@opentelemetry/instrumentation-nestjs-core';
    expect(
      unconventionalAttributes([
        span(nest, {
          'nestjs.type': 'request_context',
          'nestjs.controller': 'OrdersController',
          'nestjs.callback': 'create',
          'nestjs.version': '11.2.0',
          component: '@nestjs/core',
          'http.route': '/orders',
          [ATTR_APP_REQUEST_ID]: 'r-1',
        }),
        span(nest, { 'nestjs.type': 'handler', 'nestjs.callback': 'create' }),
      ]),
    ).toEqual([]);
  });
});
