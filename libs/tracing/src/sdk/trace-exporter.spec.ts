import { OTLPTraceExporter as OtlpGrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ConsoleSpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace';
import { createTraceExporter, traceExporterNameFromEnv } from './trace-exporter';

const VARIABLES = ['OTEL_TRACES_EXPORTER', 'OTEL_EXPORTER_OTLP_PROTOCOL', 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'];

describe('trace exporter from the environment', () => {
  const saved = { ...process.env };
  const made: SpanExporter[] = [];

  afterEach(async () => {
    for (const name of VARIABLES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    await Promise.all(made.splice(0).map((exporter) => exporter.shutdown()));
  });

  function exporterFor(env: Record<string, string>) {
    Object.assign(process.env, env);
    const name = traceExporterNameFromEnv();
    if (name === 'none') return name;
    const exporter = createTraceExporter(name);
    made.push(exporter);
    return exporter;
  }

  it.each([
    [{}, OtlpProtobufExporter],
    [{ OTEL_TRACES_EXPORTER: 'otlp' }, OtlpProtobufExporter],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' }, OtlpProtobufExporter],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, OtlpJsonExporter],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, OtlpGrpcExporter],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' }, OtlpJsonExporter],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'carrier-pigeon' }, OtlpProtobufExporter],
    [{ OTEL_TRACES_EXPORTER: 'console' }, ConsoleSpanExporter],
    [{ OTEL_TRACES_EXPORTER: 'console,otlp' }, ConsoleSpanExporter],
    [{ OTEL_TRACES_EXPORTER: 'zipkin' }, OtlpProtobufExporter],
  ])('%j gives a %p', (env, kind) => {
    expect(exporterFor(env)).toBeInstanceOf(kind);
  });

  it('OTEL_TRACES_EXPORTER=none gives no exporter', () => {
    expect(exporterFor({ OTEL_TRACES_EXPORTER: 'none' })).toBe('none');
  });
});
