import { join } from 'node:path';
import { type ServiceDefinition, loadPackageDefinition, type GrpcObject } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { OtlpTraceRequest } from './otlp-receiver';

// Enums are declared as int32 in the .proto, so kinds and status codes come out as the numbers OTLP/JSON carries.
const definition = loadSync(join(__dirname, 'otlp', 'trace_service.proto'), { longs: String, oneofs: true });
const SERVICE = 'opentelemetry.proto.collector.trace.v1.TraceService';

/** The TraceService of OTLP/gRPC, for a grpc-js Server. */
export const traceService = (loadPackageDefinition(definition).opentelemetry as GrpcObject)
  .proto as GrpcObject as unknown as { collector: { trace: { v1: { TraceService: { service: ServiceDefinition } } } } };

interface DecodedSpan {
  traceId: Buffer;
  spanId: Buffer;
  parentSpanId?: Buffer;
}
interface DecodedRequest {
  resourceSpans?: { scopeSpans?: { spans?: DecodedSpan[] }[] }[];
}

/** An OTLP/HTTP protobuf body (`application/x-protobuf`) as the OTLP/JSON shape the receiver reads. */
export function decodeTraceRequest(body: Buffer): OtlpTraceRequest {
  const method = (definition[SERVICE] as unknown as { Export: { requestDeserialize(b: Buffer): unknown } }).Export;
  return asJsonShape(method.requestDeserialize(body) as DecodedRequest);
}

/** Ids arrive as bytes; OTLP/JSON carries them as hex strings. */
export function asJsonShape(request: DecodedRequest): OtlpTraceRequest {
  for (const resourceSpans of request.resourceSpans ?? []) {
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        const hex = span as unknown as Record<string, string | undefined>;
        hex.traceId = span.traceId.toString('hex');
        hex.spanId = span.spanId.toString('hex');
        hex.parentSpanId = span.parentSpanId?.length ? span.parentSpanId.toString('hex') : undefined;
      }
    }
  }
  const converted: unknown = request;
  return converted as OtlpTraceRequest;
}
