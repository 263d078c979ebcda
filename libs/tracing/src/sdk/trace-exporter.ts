import type { MeterProvider } from '@opentelemetry/api';
import { diag } from '@opentelemetry/api';
import { getStringFromEnv, getStringListFromEnv } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpGrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ConsoleSpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace';

export type TraceExporterName = 'otlp' | 'console' | 'none';

/**
 * OTEL_TRACES_EXPORTER, read here only because the template wraps the exporter (RedactingSpanExporter,
 * ExportOutageReporter): NodeSDK builds exporters from that variable itself only when it is given no `traceExporter`.
 * The same values as NodeSDK: `otlp` (the default), `console` or `none`. One exporter: a list keeps its first entry.
 */
export function traceExporterNameFromEnv(): TraceExporterName {
  const [name = 'otlp', ...rest] = getStringListFromEnv('OTEL_TRACES_EXPORTER') ?? [];
  if (rest.length > 0) diag.warn(`OTEL_TRACES_EXPORTER: only one exporter is supported, using "${name}"`);
  if (name === 'otlp' || name === 'console' || name === 'none') return name;
  diag.warn(`OTEL_TRACES_EXPORTER: unsupported value "${name}" (otlp, console or none), using otlp`);
  return 'otlp';
}

/**
 * The standard exporter class for `name` and OTEL_EXPORTER_OTLP_TRACES_PROTOCOL / OTEL_EXPORTER_OTLP_PROTOCOL
 * (`http/protobuf`, NodeSDK's default, `http/json` or `grpc`). Endpoints, headers and timeouts
 * (OTEL_EXPORTER_OTLP_*) are read by the exporters themselves.
 */
export function createTraceExporter(name: 'otlp' | 'console', selfObsMeterProvider?: MeterProvider): SpanExporter {
  if (name === 'console') return new ConsoleSpanExporter();
  const protocol =
    getStringFromEnv('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ?? getStringFromEnv('OTEL_EXPORTER_OTLP_PROTOCOL');
  switch (protocol) {
    case 'grpc':
      return new OtlpGrpcExporter({ selfObsMeterProvider });
    case 'http/json':
      return new OtlpJsonExporter({ selfObsMeterProvider });
    case undefined:
    case 'http/protobuf':
      return new OtlpProtobufExporter({ selfObsMeterProvider });
    default:
      diag.warn(`unsupported OTLP traces protocol "${protocol}", using http/protobuf`);
      return new OtlpProtobufExporter({ selfObsMeterProvider });
  }
}
