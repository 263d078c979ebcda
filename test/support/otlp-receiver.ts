import { readFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Server as GrpcServer, ServerCredentials, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js';
import { asJsonShape, decodeTraceRequest, traceService } from './otlp-protobuf';
import { waitUntil } from './wait';

/** OTLP span kinds as they appear in OTLP/JSON. */
export const SpanKind = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;

/** The project's name (package.json, changed by `npm run rename`), the prefix of each app's default service.name. */
export const PROJECT_NAME = (
  JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { name: string }
).name;

/** The app a service.name belongs to: `<project>-gateway` is `gateway`; any other name is kept whole. */
export function appOf(serviceName: string): string {
  return serviceName.startsWith(`${PROJECT_NAME}-`) ? serviceName.slice(PROJECT_NAME.length + 1) : serviceName;
}

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: number;
  /** The app (`gateway`), from service.name without the project prefix; `resource` has the whole name. */
  service: string;
  serviceInstanceId: string;
  scope: string;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  status: { code?: number; message?: string };
  events: { name: string; attributes: Record<string, unknown> }[];
}

interface OtlpAnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpAnyValue[] };
}
interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: OtlpKeyValue[];
  status?: { code?: number; message?: string };
  events?: { name: string; attributes?: OtlpKeyValue[] }[];
}
export interface OtlpTraceRequest {
  resourceSpans?: {
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: { scope?: { name?: string }; spans?: OtlpSpan[] }[];
  }[];
}

/**
 * How the receiver answers: like a healthy Collector, or like one that is down (`refuse`: nothing listens on the
 * port), stuck (`hang`: reads the request, never answers), failing (`fail-500`) or shedding load (`throttle-429`).
 */
export type BackendBehaviour = 'accept' | 'refuse' | 'hang' | 'fail-500' | 'throttle-429';

const CONTENT_TYPES = { json: 'application/json', protobuf: 'application/x-protobuf' } as const;

/**
 * A real OTLP endpoint for tests: OTLP/HTTP with protobuf (the SDK's default) or JSON bodies, and OTLP/gRPC once
 * `listenGrpc` is called. The apps export to it exactly as they would to a Collector, and the test reads back what
 * arrived. The test can also make the HTTP endpoint fail in each way a real backend fails.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  /** Export requests received in each behaviour (a refused connection never arrives, so it is not counted). */
  readonly requests: Record<BackendBehaviour, number> = {
    accept: 0,
    refuse: 0,
    hang: 0,
    'fail-500': 0,
    'throttle-429': 0,
  };
  private behaviour: BackendBehaviour = 'accept';
  /** Export requests accepted, by encoding: a test of OTEL_EXPORTER_OTLP_PROTOCOL checks which one arrived. */
  readonly encodings: Record<'json' | 'protobuf' | 'grpc', number> = { json: 0, protobuf: 0, grpc: 0 };
  private server?: Server;
  private grpcServer?: GrpcServer;
  private port = 0;

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Also serves OTLP/gRPC (TraceService/Export), on a port of its own; returns its endpoint. */
  async listenGrpc(): Promise<string> {
    const server = new GrpcServer();
    server.addService(traceService.collector.trace.v1.TraceService.service, {
      Export: (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
        this.encodings.grpc++;
        this.collect(asJsonShape(call.request as Parameters<typeof asJsonShape>[0]));
        callback(null, {});
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    this.grpcServer = server;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    this.grpcServer?.forceShutdown();
    this.grpcServer = undefined;
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    // Held (hung) requests and keep-alive connections too: a stopped backend leaves nothing open.
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Switches how the receiver answers; `refuse` closes the port, and any other behaviour opens it again. */
  async behave(behaviour: BackendBehaviour): Promise<void> {
    this.behaviour = behaviour;
    if (behaviour === 'refuse') await this.stop();
    else if (!this.server) await this.start();
    // Requests held by `hang` are dropped rather than answered late.
    if (behaviour !== 'hang') this.server?.closeAllConnections();
  }

  trace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((span) => span.traceId === traceId);
  }

  /** Waits until the spans of `traceId` satisfy `isComplete`, then returns them. */
  async waitForTrace(
    traceId: string,
    isComplete: (spans: ReceivedSpan[]) => boolean,
    timeoutMs = 15_000,
  ): Promise<ReceivedSpan[]> {
    await waitUntil(() => isComplete(this.trace(traceId)), {
      timeoutMs,
      description: () => `trace ${traceId}; got: ${this.trace(traceId).map(describeSpan).join(', ')}`,
    });
    return this.trace(traceId);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const contentType = request.headers['content-type'];
    const encoding =
      contentType === CONTENT_TYPES.protobuf ? 'protobuf' : contentType === CONTENT_TYPES.json ? 'json' : undefined;
    if (request.url !== '/v1/traces' || !encoding) {
      response.writeHead(404).end();
      return;
    }
    const behaviour = this.behaviour;
    this.requests[behaviour]++;
    if (behaviour === 'hang') return;
    if (behaviour === 'fail-500') {
      response.writeHead(500, { 'content-type': 'application/json' }).end('{}');
      return;
    }
    if (behaviour === 'throttle-429') {
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' }).end('{}');
      return;
    }
    const body = Buffer.concat(chunks);
    this.encodings[encoding]++;
    this.collect(
      encoding === 'json' ? (JSON.parse(body.toString('utf8')) as OtlpTraceRequest) : decodeTraceRequest(body),
    );
    // An empty ExportTraceServiceResponse: `{}` in JSON, no bytes at all in protobuf.
    response.writeHead(200, { 'content-type': CONTENT_TYPES[encoding] }).end(encoding === 'json' ? '{}' : '');
  }

  private collect(body: OtlpTraceRequest): void {
    for (const resourceSpans of body.resourceSpans ?? []) {
      const resource = toRecord(resourceSpans.resource?.attributes);
      for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
        for (const span of scopeSpans.spans ?? []) {
          this.spans.push({
            traceId: span.traceId,
            spanId: span.spanId,
            parentSpanId: span.parentSpanId || undefined,
            name: span.name,
            kind: span.kind,
            service: appOf(String(resource['service.name'])),
            serviceInstanceId: String(resource['service.instance.id']),
            scope: scopeSpans.scope?.name ?? '',
            attributes: toRecord(span.attributes),
            resource,
            status: span.status ?? {},
            events: (span.events ?? []).map((event) => ({ name: event.name, attributes: toRecord(event.attributes) })),
          });
        }
      }
    }
  }
}

export function describeSpan(span: ReceivedSpan): string {
  return `${span.service}:${span.name}(kind ${span.kind})`;
}

function toRecord(attributes: OtlpKeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((attributes ?? []).map(({ key, value }) => [key, toValue(value)]));
}

function toValue(value: OtlpAnyValue): unknown {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(toValue);
  return undefined;
}
