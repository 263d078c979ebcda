import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OtlpReceiver, PROJECT_NAME, type ReceivedSpan, SpanKind } from './support/otlp-receiver';
import { Stack } from './support/stack';
import { newTraceparent, parseTraceHeader } from './support/traceparent';
import { waitUntil } from './support/wait';

/**
 * The standard OTEL_* variables, each set on a real gateway: the stack starts once with the defaults (OTLP over
 * http/protobuf to the receiver), and each case restarts the gateway alone with its variables. The user service
 * keeps exporting as configured by default, so a trace's user spans show that the trace was sent and received.
 */
const receiver = new OtlpReceiver();
let stack: Stack;
let grpcEndpoint: string;
const DEFAULTS: NodeJS.ProcessEnv = {};

beforeAll(async () => {
  await receiver.start();
  grpcEndpoint = await receiver.listenGrpc();
  stack = await new Stack({ otlpEndpoint: receiver.endpoint }).start();
  Object.assign(DEFAULTS, stack.env);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await receiver.stop();
});

/** Restarts the gateway with `env` over the stack's variables (undefined removes one). */
async function gatewayWith(env: NodeJS.ProcessEnv): Promise<void> {
  await stack.app('gateway').stop();
  stack.env = { ...DEFAULTS, ...env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete stack.env[name];
  await stack.restart('gateway');
}

/** POST /users under a fresh sampled traceparent; returns the trace id and the response. */
async function createUser(headers: Record<string, string> = {}) {
  const client = newTraceparent();
  const response = await fetch(`${stack.gatewayUrl}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: client.header, ...headers },
    body: JSON.stringify({ email: `otel-${Date.now()}-${Math.random()}@example.com`, name: 'Otel' }),
  });
  expect(response.status).toBe(201);
  return { traceId: client.traceId, response };
}

const fromGateway = (spans: ReceivedSpan[]) => spans.filter((span) => span.service === 'gateway');
const hasUserSpans = (spans: ReceivedSpan[]) => spans.some((span) => span.service === 'user');

/** The trace's spans once the gateway's HTTP span (and the user service's) arrived at `at`. */
async function gatewayTrace(traceId: string, at = receiver): Promise<ReceivedSpan[]> {
  const spans = await at.waitForTrace(traceId, (received) =>
    received.some((span) => span.service === 'gateway' && span.name === 'POST /users'),
  );
  return fromGateway(spans);
}

/** Waits for the user service's spans of the trace, then returns the gateway's: with them in, nothing more comes. */
async function gatewaySpansOnceUserExported(traceId: string): Promise<ReceivedSpan[]> {
  return fromGateway(await receiver.waitForTrace(traceId, hasUserSpans));
}

it('exports over OTLP/HTTP protobuf by default, NodeSDK default', async () => {
  await gatewayWith({});
  const before = { ...receiver.encodings };

  const { traceId } = await createUser();

  expect((await gatewayTrace(traceId)).length).toBeGreaterThan(0);
  expect(receiver.encodings.protobuf).toBeGreaterThan(before.protobuf);
  expect(receiver.encodings.json).toBe(before.json);
});

it.each([
  ['http/json', 'json'],
  ['http/protobuf', 'protobuf'],
] as const)('OTEL_EXPORTER_OTLP_PROTOCOL=%s exports %s bodies', async (protocol, encoding) => {
  await gatewayWith({ OTEL_EXPORTER_OTLP_PROTOCOL: protocol });
  const before = receiver.encodings[encoding];

  const { traceId } = await createUser();

  expect((await gatewayTrace(traceId)).length).toBeGreaterThan(0);
  expect(receiver.encodings[encoding]).toBeGreaterThan(before);
});

it('OTEL_EXPORTER_OTLP_PROTOCOL=grpc exports over OTLP/gRPC', async () => {
  await gatewayWith({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: grpcEndpoint });
  const before = receiver.encodings.grpc;

  const { traceId } = await createUser();

  const spans = await gatewayTrace(traceId);
  expect(spans.find((span) => span.name === 'POST /users')?.kind).toBe(SpanKind.SERVER);
  expect(receiver.encodings.grpc).toBeGreaterThan(before);
});

it('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT sends the spans there, not to OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
  const other = new OtlpReceiver();
  await other.start();
  try {
    await gatewayWith({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${other.endpoint}/v1/traces` });

    const { traceId } = await createUser();

    expect((await gatewayTrace(traceId, other)).length).toBeGreaterThan(0);
    expect(await gatewaySpansOnceUserExported(traceId)).toEqual([]);
  } finally {
    await other.stop();
  }
});

it('OTEL_TRACES_EXPORTER=console prints the spans on stdout and exports none', async () => {
  await gatewayWith({ OTEL_TRACES_EXPORTER: 'console' });

  const { traceId } = await createUser();

  await stack.app('gateway').waitForLine((line) => line.includes(`traceId: '${traceId}'`));
  // The HTTP span ends last, after Nest's spans of the same trace: it may come in a later batch.
  await stack.app('gateway').waitForLine((line) => line.includes("name: 'POST /users'"));
  expect(await gatewaySpansOnceUserExported(traceId)).toEqual([]);
});

it('OTEL_TRACES_EXPORTER=none exports nothing, and the trace context still reaches the services', async () => {
  await gatewayWith({ OTEL_TRACES_EXPORTER: 'none' });

  const { traceId } = await createUser();

  expect(await gatewaySpansOnceUserExported(traceId)).toEqual([]);
});

it('OTEL_TRACES_SAMPLER=traceidratio with OTEL_TRACES_SAMPLER_ARG=0 samples nothing, even a sampled parent', async () => {
  await gatewayWith({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' });

  const { response } = await createUser();

  // traceresponse carries the gateway's decision in its flags: 00, not sampled.
  expect(response.headers.get('traceresponse')).toMatch(/-00$/);
});

it('OTEL_PROPAGATORS=b3 reads the caller context from b3, not traceparent', async () => {
  await gatewayWith({ OTEL_PROPAGATORS: 'b3' });
  const caller = newTraceparent();

  const { response } = await createUser({ b3: `${caller.traceId}-${caller.spanId}-1` });

  expect(parseTraceHeader(response.headers.get('traceresponse')).traceId).toBe(caller.traceId);
});

it('OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES set the resource', async () => {
  await gatewayWith({
    OTEL_SERVICE_NAME: 'edge-renamed',
    OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=staging,team=payments',
  });

  const { traceId } = await createUser();

  // Each app exports on its own schedule: wait for the user service's spans too, not only the gateway's.
  const spans = await receiver.waitForTrace(
    traceId,
    (received) => received.some((s) => s.service === 'edge-renamed') && received.some((s) => s.service === 'user'),
  );
  const renamed = spans.filter((span) => span.service === 'edge-renamed');
  expect(renamed[0].resource).toMatchObject({
    'service.name': 'edge-renamed',
    'deployment.environment.name': 'staging',
    team: 'payments',
  });
  // The default name is the project's, as the user service still shows.
  expect(spans.find((span) => span.service === 'user')?.resource['service.name']).toBe(`${PROJECT_NAME}-user`);
});

it('OTEL_SDK_DISABLED=true starts no SDK: no traceresponse, no spans', async () => {
  await gatewayWith({ OTEL_SDK_DISABLED: 'true' });

  const { traceId, response } = await createUser();

  expect(response.headers.get('traceresponse')).toBeNull();
  // No SDK, no propagator: the user service starts traces of its own, and none carries this trace id.
  await waitUntil(() => receiver.spans.some((span) => span.service === 'user' && span.name === 'user.create'));
  expect(receiver.trace(traceId)).toEqual([]);
});

it("OTEL_NODE_DISABLED_INSTRUMENTATIONS=nestjs-core drops Nest's spans and keeps the HTTP span", async () => {
  await gatewayWith({ OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'nestjs-core' });

  const { traceId } = await createUser();

  // Nest's spans end before the HTTP span does, so they would have been exported with it or earlier.
  const spans = await gatewayTrace(traceId);
  expect(spans.filter((span) => span.scope === '@opentelemetry/instrumentation-nestjs-core')).toEqual([]);
});

it("records a handler's exception once, on Nest's handler span, with ERROR status", async () => {
  await gatewayWith({});
  const client = newTraceparent();

  const response = await fetch(`${stack.gatewayUrl}/users/${randomUUID()}`, {
    headers: { traceparent: client.header },
  });

  expect(response.status).toBe(404);
  const spans = fromGateway(
    await receiver.waitForTrace(client.traceId, (all) => all.some((s) => s.name === 'GET /users/:id')),
  );
  const handler = spans.find((span) => span.name === 'get' && span.attributes['nestjs.type'] === 'handler')!;
  expect(handler.status.code).toBe(2); // ERROR
  expect(handler.events.filter((event) => event.name === 'exception')).toHaveLength(1);
  // A chosen answer (a 404 from the user service) is not recorded again by the gateway's error filter.
  const http = spans.find((span) => span.name === 'GET /users/:id')!;
  expect(http.events.filter((event) => event.name === 'exception')).toEqual([]);
});

describe('fetch() from inside a request (the W3C test endpoint)', () => {
  let listener: Server;
  const received: IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    listener = createServer((request, response) => {
      received.push(request.headers);
      request.resume().on('end', () => response.writeHead(200).end());
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => listener.close(() => resolve())));

  it('gets a CLIENT span from the undici instrumentation, whose context the listener receives', async () => {
    await gatewayWith({ TRACECONTEXT_TEST_ENDPOINT: 'true' });
    const url = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/callback`;
    const client = newTraceparent();

    const response = await fetch(`${stack.gatewayUrl}/test`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: client.header },
      body: JSON.stringify([{ url, arguments: [] }]),
    });

    expect(response.status).toBe(200);
    const spans = await receiver.waitForTrace(client.traceId, (all) => all.some((s) => s.kind === SpanKind.CLIENT));
    const call = spans.find((span) => span.kind === SpanKind.CLIENT)!;
    expect(call.scope).toBe('@opentelemetry/instrumentation-undici');
    expect(call.attributes).toMatchObject({ 'http.request.method': 'POST', 'url.full': url });
    expect(call.attributes['http.response.status_code']).toBe(200);
    const sent = parseTraceHeader(String(received.at(-1)?.traceparent));
    expect(sent).toEqual({ traceId: client.traceId, spanId: call.spanId });
  });
});
