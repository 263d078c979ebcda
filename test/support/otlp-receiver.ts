import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitUntil } from './wait';

/** OTLP span kinds as they appear in OTLP/JSON. */
export const SpanKind = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: number;
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
interface OtlpTraceRequest {
  resourceSpans?: {
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: { scope?: { name?: string }; spans?: OtlpSpan[] }[];
  }[];
}

/**
 * A real OTLP/HTTP JSON endpoint for tests: the apps export to it exactly as they would to a Collector,
 * and the test reads back what arrived.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  private server?: Server;

  get endpoint(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
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
    if (request.url !== '/v1/traces' || request.headers['content-type'] !== 'application/json') {
      response.writeHead(404).end();
      return;
    }
    this.collect(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpTraceRequest);
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
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
            service: String(resource['service.name']),
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
