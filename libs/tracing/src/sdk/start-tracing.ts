import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { metrics } from '@opentelemetry/api';
import { getBooleanFromEnv, setGlobalErrorHandler } from '@opentelemetry/core';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { prometheusExporter } from '../metrics/prometheus';
import { ExportOutageReporter } from './export-outage';
import { createInstrumentations } from './instrumentations';
import { assertNothingInstrumentedLoaded } from './load-order';
import { RedactingSpanExporter } from './redacting-span-exporter';
import { createTraceExporter, traceExporterNameFromEnv } from './trace-exporter';
import { w3cPropagatorFromEnv } from './w3c-propagator';

// Incubating semconv keys are copied, not imported, as @opentelemetry/semantic-conventions advises.
const ATTR_DEPLOYMENT_ENVIRONMENT_NAME = 'deployment.environment.name';
const SDK_METRICS = 'OTEL_NODE_EXPERIMENTAL_SDK_METRICS';

export interface TracingOptions {
  /** Default `service.name`; OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES override it. */
  serviceName: string;
}

let sdk: NodeSDK | undefined;

/**
 * Starts the OpenTelemetry NodeSDK. Must run before any module of load-order.ts's INSTRUMENTED_MODULES is required,
 * because instrumentations patch modules as they load: each app's `main.ts` imports its `tracing.ts` first.
 * NodeSDK reads the standard variables itself: OTEL_SDK_DISABLED, OTEL_TRACES_SAMPLER(_ARG), OTEL_PROPAGATORS,
 * OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME, OTEL_BSP_*, OTEL_SPAN_*_LIMIT, OTEL_LOG_LEVEL; the exporters read
 * OTEL_EXPORTER_OTLP_*. Only OTEL_TRACES_EXPORTER and the OTLP protocol are mapped here (trace-exporter.ts), and
 * `tracecontext` gets the Level 2 propagator (w3c-propagator.ts).
 */
export function startTracing({ serviceName }: TracingOptions): void {
  // NodeSDK would not start either, but by then the instrumentations would exist, and each patches on construction.
  if (sdk || getBooleanFromEnv('OTEL_SDK_DISABLED')) return;
  assertNothingInstrumentedLoaded();
  // The SDK's own counters (otel.sdk.processor.span.processed, otel.sdk.exporter.span.exported, by error.type) are on
  // by default in the template: the telemetry-pipeline alerts read them. `OTEL_NODE_EXPERIMENTAL_SDK_METRICS=false`
  // turns them off.
  process.env[SDK_METRICS] ??= 'true';

  const exporterName = traceExporterNameFromEnv();
  // An unreachable, slow or refusing backend costs the app nothing but the spans: the queue is bounded (OTEL_BSP_*),
  // spans that do not fit and batches that fail are dropped and counted, and one warning says so (not one per batch).
  const outage = new ExportOutageReporter(() =>
    createTraceExporter(exporterName === 'none' ? 'otlp' : exporterName, selfObservationMeterProvider()),
  );
  setGlobalErrorHandler(outage.errorHandler);

  sdk = new NodeSDK({
    resource: defaultResource().merge(
      resourceFromAttributes({
        [ATTR_SERVICE_NAME]: serviceName,
        [ATTR_SERVICE_VERSION]: process.env.SERVICE_VERSION ?? packageVersion(),
        [ATTR_DEPLOYMENT_ENVIRONMENT_NAME]: process.env.NODE_ENV ?? 'development',
      }),
    ),
    // GET /metrics on each app's own port (MetricsController); Prometheus pulls, so no OTLP metrics exporter.
    metricReaders: [prometheusExporter],
    // Logs go to stdout through pino, with trace ids (instrumentation-pino); none are sent over OTLP.
    logRecordProcessors: [],
    instrumentations: createInstrumentations(),
    textMapPropagator: w3cPropagatorFromEnv(),
    // NodeSDK batches it with the OTEL_BSP_* settings. `none` is NodeSDK's own meaning: no tracer provider at all,
    // while context still propagates.
    ...(exporterName === 'none' ? { spanProcessors: [] } : { traceExporter: new RedactingSpanExporter(outage) }),
  });
  sdk.start();
}

/** Flushes pending spans and stops the SDK. Safe to call more than once. */
export async function shutdownTracing(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  await running?.shutdown();
}

function selfObservationMeterProvider() {
  return getBooleanFromEnv(SDK_METRICS) ? metrics.getMeterProvider() : undefined;
}

function packageVersion(): string {
  // Walk up from this file to the repository's package.json; works from src/ and dist/ alike.
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    try {
      return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      continue;
    }
  }
  return '0.0.0';
}
