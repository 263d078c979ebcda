// The receiver as tools/run.mts starts it, in a Node process of its own (Jest does not load the ESM .mts tools): the
// SDK's own OTLP/JSON encoder in (@opentelemetry/otlp-transformer, what the apps' exporter uses), the tree out.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { type ReadableSpan, type SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { waitUntil } from '../../test/support/wait';

const PROJECT = (JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { name: string }).name;
const RECEIVER = pathToFileURL(join(__dirname, 'receiver.mts')).href;
const SCRIPT = `
  import { startDevTraces } from ${JSON.stringify(RECEIVER)};
  const traces = await startDevTraces(process.env);
  console.log(JSON.stringify({ env: traces?.env ?? null }));
  process.once('SIGTERM', () => void traces?.stop().then(() => process.exit(0)));
`;

// Each tree prints only after its trace was quiet for 1.5 s.
jest.setTimeout(20_000);

class ReceiverProcess {
  readonly lines: string[] = [];
  private readonly child: ChildProcess;

  constructor(env: NodeJS.ProcessEnv) {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(OTEL_|DEV_TRACES)/.test(name)));
    this.child = spawn(process.execPath, ['--input-type=module', '-e', SCRIPT], { env: { ...clean, ...env } });
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => this.lines.push(line));
    }
  }

  /** The variables it gives the apps; null when it did not start. */
  async started(): Promise<Record<string, string> | null> {
    await waitUntil(() => this.lines.length > 0, {
      timeoutMs: 10_000,
      description: () => 'the receiver never answered',
    });
    return (JSON.parse(this.lines[0]) as { env: Record<string, string> | null }).env;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    await exited;
  }
}

/** A trace as the apps' SDK encodes it: a gateway request and an order RPC under it that fails. */
function exportRequest(): Uint8Array {
  const ended: ReadableSpan[] = [];
  const collect: SpanProcessor = {
    onStart: () => undefined,
    onEnd: (span) => void ended.push(span),
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
  const provider = (service: string) =>
    new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': `${PROJECT}-${service}` }),
      spanProcessors: [collect],
    });
  const root = provider('gateway')
    .getTracer('test')
    .startSpan('POST /orders', {
      kind: SpanKind.SERVER,
      attributes: { 'http.route': '/orders', 'http.response.status_code': 500 },
    });
  const rpc = provider('order')
    .getTracer('test')
    .startSpan(
      'order.create',
      { kind: SpanKind.SERVER, attributes: { 'rpc.method': 'order.create' } },
      trace.setSpan(context.active(), root),
    );
  rpc.recordException(new Error('database is down'));
  rpc.setStatus({ code: SpanStatusCode.ERROR });
  rpc.end();
  root.end();
  return JsonTraceSerializer.serializeRequest(ended)!;
}

function post(url: string, body: Uint8Array, contentType = 'application/json'): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
}

describe('the dev traces receiver', () => {
  let receiver: ReceiverProcess;
  afterEach(() => receiver.stop());

  it('without an OTLP endpoint: takes the apps’ OTLP/JSON and prints each trace as a tree', async () => {
    receiver = new ReceiverProcess({});
    const env = (await receiver.started())!;
    expect(env).toMatchObject({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '200' });
    expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const body = exportRequest();
    expect((await post(`${env.OTEL_EXPORTER_OTLP_ENDPOINT}/v1/traces`, body)).status).toBe(200);
    await waitUntil(() => receiver.lines.some((line) => line.startsWith('trace ')), {
      timeoutMs: 10_000,
      description: () => `no tree printed:\n${receiver.lines.join('\n')}`,
    });
    const tree = receiver.lines.slice(receiver.lines.findIndex((line) => line.startsWith('trace ')));
    expect(tree[0]).toMatch(/^trace [0-9a-f]{32} {2}POST \/orders {2}\d+\.\d ms {2}OK {2}\(2 spans, 1 with errors\)$/);
    expect(tree[1]).toMatch(/^gateway {2}POST \/orders {2}server {2}\d+\.\d ms {2}status=500$/);
    expect(tree[2]).toMatch(/^└─ ✗ order {2}order\.create {2}server {2}\d+\.\d ms {2}error: database is down$/);
  });

  it('answers 415 to OTLP/protobuf, which it does not decode, and accepts logs and metrics without keeping them', async () => {
    receiver = new ReceiverProcess({});
    const { OTEL_EXPORTER_OTLP_ENDPOINT: url } = (await receiver.started())!;
    const protobuf = await post(`${url}/v1/traces`, new Uint8Array([10, 0]), 'application/x-protobuf');
    expect(protobuf.status).toBe(415);
    expect(await protobuf.text()).toContain('OTEL_EXPORTER_OTLP_PROTOCOL=http/json');
    expect((await post(`${url}/v1/logs`, new TextEncoder().encode('{}'))).status).toBe(200);
    expect((await post(`${url}/v1/traces`, new TextEncoder().encode('{not json'))).status).toBe(400);
  });

  it.each([
    ['DEV_TRACES=off', { DEV_TRACES: 'off' }],
    ['an OTLP endpoint set', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318' }],
    ['a traces endpoint set', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://localhost:4318/v1/traces' }],
  ])('does not start with %s', async (_, env) => {
    receiver = new ReceiverProcess(env);
    expect(await receiver.started()).toBeNull();
  });

  describe('DEV_TRACES=on with an OTLP endpoint set', () => {
    let upstream: Server;
    const received: { url?: string; body: Buffer }[] = [];

    beforeAll(async () => {
      upstream = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          received.push({ url: request.url, body: Buffer.concat(chunks) });
          response.writeHead(503, { 'content-type': 'application/json' }).end('{}');
        });
      });
      upstream.listen(0, '127.0.0.1');
      await once(upstream, 'listening');
    });
    afterAll(() => {
      upstream.closeAllConnections();
      upstream.close();
    });

    it('prints the trees and forwards each export unchanged, answering with the endpoint’s status', async () => {
      const endpoint = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
      receiver = new ReceiverProcess({ DEV_TRACES: 'on', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
      const env = (await receiver.started())!;
      expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
      const body = exportRequest();
      expect((await post(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, body)).status).toBe(503);
      expect(received).toEqual([{ url: '/v1/traces', body: Buffer.from(body) }]);
      await waitUntil(() => receiver.lines.some((line) => line.startsWith('trace ')), {
        timeoutMs: 10_000,
        description: () => `no tree printed:\n${receiver.lines.join('\n')}`,
      });
    });
  });
});
