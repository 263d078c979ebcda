// The OTLP/HTTP receiver behind the trace trees of `npm run dev` (tools/run.mts), on 127.0.0.1 and a free port:
//   - no OTEL_EXPORTER_OTLP_ENDPOINT (nor _TRACES_ENDPOINT) set: the apps export here, and each trace prints once it
//     goes quiet; /v1/logs and /v1/metrics are accepted and discarded;
//   - an endpoint set: nothing prints unless DEV_TRACES=on; then the traces come here, print, and are forwarded
//     unchanged (OTLP/HTTP JSON, so to an OTLP/HTTP endpoint such as a Collector's 4318), whose answer the apps get;
//   - DEV_TRACES=off: no receiver.
// OTLP/JSON only (protobuf is answered 415): @opentelemetry/otlp-transformer 0.301 keeps its request types and protobuf
// reader internal, and no installed package ships the OTLP .proto files; so the runner asks the apps for http/json,
// and the interfaces below name the fields read (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding).
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { TraceBuffer } from './trace-buffer.ts';
import { type DevSpan, formatTrace } from './trace-tree.ts';

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
type OtlpAttributes = { key: string; value?: OtlpValue }[];
interface OtlpTraceRequest {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttributes };
    scopeSpans?: {
      spans?: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
        startTimeUnixNano: string | number;
        endTimeUnixNano: string | number;
        attributes?: OtlpAttributes;
        status?: { code?: number; message?: string };
        events?: { name: string; attributes?: OtlpAttributes }[];
      }[];
    }[];
  }[];
}

const LIMITS = { quietMs: 1500, maxTraces: 200, maxSpansPerTrace: 1000 };
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const STATUS_ERROR = 2;
const NOT_FORWARDED = /^(host|content-length|connection)$/;
const JSON_ONLY = 'OTLP/JSON only: OTEL_EXPORTER_OTLP_PROTOCOL=http/json\n';
/** service.name is `<project>-<app>`; the tree shows the app. */
const SERVICE_PREFIX = `${(JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { name: string }).name}-`;

export interface DevTraces {
  /** The OTEL_* variables that point the apps at the receiver. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Starts the receiver unless DEV_TRACES or an OTLP endpoint in `env` says not to (see the top of this file). */
export async function startDevTraces(env: NodeJS.ProcessEnv): Promise<DevTraces | undefined> {
  const setting = env.DEV_TRACES;
  if (setting !== undefined && setting !== 'on' && setting !== 'off') throw new Error('DEV_TRACES must be on or off');
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/$/, '');
  const forwardTo = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || (base && `${base}/v1/traces`);
  if (setting === 'off' || (forwardTo && setting !== 'on')) return undefined;

  const buffer = new TraceBuffer<DevSpan>(LIMITS);
  const server = createServer((request, response) => void receive(request, response, buffer, forwardTo));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const color = process.stdout.isTTY && process.stdout.hasColors();
  let droppedReported = 0;
  const printQuiet = (now: number) => {
    for (const { spans, droppedSpans } of buffer.takeQuiet(now)) {
      process.stdout.write(`${formatTrace(spans, { color, droppedSpans })}\n`);
    }
    if (buffer.droppedSpans > droppedReported) {
      droppedReported = buffer.droppedSpans;
      console.log(`[dev-traces] ${droppedReported} spans dropped so far: ${LIMITS.maxTraces} traces in progress`);
    }
  };
  const sweep = setInterval(() => printQuiet(Date.now()), 250).unref();

  return {
    env: {
      ...(forwardTo
        ? { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${url}/v1/traces` }
        : { OTEL_EXPORTER_OTLP_ENDPOINT: url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }),
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      // Each process's spans arrive within 200 ms rather than the SDK's 5 s, so one quiet period spans them all.
      OTEL_BSP_SCHEDULE_DELAY: env.OTEL_BSP_SCHEDULE_DELAY ?? '200',
    },
    async stop() {
      clearInterval(sweep);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      printQuiet(Infinity);
    },
  };
}

async function receive(
  request: IncomingMessage,
  response: ServerResponse,
  buffer: TraceBuffer<DevSpan>,
  forwardTo: string | undefined,
): Promise<void> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return void response.writeHead(413).end();
    chunks.push(chunk);
  }
  if (request.method !== 'POST') return void response.writeHead(405).end();
  if (request.url !== '/v1/traces') return void response.writeHead(request.url?.startsWith('/v1/') ? 200 : 404).end();
  const json = request.headers['content-type']?.startsWith('application/json');
  if (!json) return void response.writeHead(415, { 'content-type': 'text/plain' }).end(JSON_ONLY);
  const body = Buffer.concat(chunks);
  try {
    buffer.add(devSpans(JSON.parse(body.toString('utf8')) as OtlpTraceRequest), Date.now());
  } catch {
    return void response.writeHead(400).end();
  }
  if (!forwardTo) return void response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  const headers = Object.entries(request.headers).filter(([name]) => !NOT_FORWARDED.test(name)) as [string, string][];
  const answer = await fetch(forwardTo, { method: 'POST', headers, body }).catch(() => undefined);
  if (!answer) return void response.writeHead(502).end();
  response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
  response.end(Buffer.from(await answer.arrayBuffer()));
}

function devSpans(request: OtlpTraceRequest): DevSpan[] {
  return (request.resourceSpans ?? []).flatMap(({ resource, scopeSpans }) => {
    const serviceName = String(values(resource?.attributes)['service.name'] ?? 'unknown');
    const service = serviceName.startsWith(SERVICE_PREFIX) ? serviceName.slice(SERVICE_PREFIX.length) : serviceName;
    return (scopeSpans ?? []).flatMap(({ spans }) =>
      (spans ?? []).map((span): DevSpan => {
        const exception = span.events?.find((event) => event.name === 'exception');
        const error = values(exception?.attributes)['exception.message'] ?? span.status?.message ?? '';
        return {
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId || undefined,
          service,
          name: span.name,
          kind: span.kind,
          startNs: BigInt(span.startTimeUnixNano),
          endNs: BigInt(span.endTimeUnixNano),
          attributes: values(span.attributes),
          error: span.status?.code === STATUS_ERROR ? String(error) : undefined,
        };
      }),
    );
  });
}

function values(attributes: OtlpAttributes = []): DevSpan['attributes'] {
  return Object.fromEntries(
    attributes.map(({ key, value = {} }) => [
      key,
      value.stringValue ??
        (value.intValue !== undefined ? Number(value.intValue) : (value.doubleValue ?? value.boolValue)),
    ]),
  );
}
