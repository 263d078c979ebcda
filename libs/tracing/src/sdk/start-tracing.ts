import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { setGlobalErrorHandler } from '@opentelemetry/core';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import {
  detectResources,
  envDetector,
  hostDetector,
  osDetector,
  processDetector,
  Resource,
  resourceFromAttributes,
  serviceInstanceIdDetector,
} from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { REQUEST_ID_BAGGAGE_KEY } from '../http/request-context.middleware';
import { DbQueryMetricsProcessor } from '../metrics/db-metrics.processor';
import { prometheusExporter } from '../metrics/prometheus';
import { EntrySpanBaggageProcessor } from './entry-span-baggage-processor';
import { ExportOutageReporter } from './export-outage';
import { createInstrumentations } from './instrumentations';
import { assertNothingInstrumentedLoaded } from './load-order';
import { RedactingSpanProcessor } from './redacting-span-processor';
import {
  batchOptionsFromEnv,
  diagnosticsFromEnv,
  propagatorFromEnv,
  samplerFromEnv,
  spanLimitsFromEnv,
} from './sdk-env';

// Incubating semconv keys are copied, not imported, as @opentelemetry/semantic-conventions advises.
const ATTR_DEPLOYMENT_ENVIRONMENT_NAME = 'deployment.environment.name';

export interface TracingOptions {
  /** Default `service.name`; OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES override it. */
  serviceName: string;
}

let tracerProvider: TracerProvider | undefined;
let meterProvider: MeterProvider | undefined;

/**
 * Starts the OpenTelemetry SDK. Must run before any module of load-order.ts's INSTRUMENTED_MODULES is required,
 * because instrumentations patch modules as they load: each app's `main.ts` imports its `tracing.ts` first.
 * Honours the standard OTEL_* variables (OTEL_SDK_DISABLED, OTEL_EXPORTER_OTLP_*, OTEL_BSP_*, OTEL_TRACES_SAMPLER…).
 */
export function startTracing({ serviceName }: TracingOptions): void {
  if (tracerProvider || process.env.OTEL_SDK_DISABLED === 'true') return;
  assertNothingInstrumentedLoaded();
  diagnosticsFromEnv();

  const resource = detectedResource(serviceName);
  // Our own meter provider, made before the span pipeline, so the batch processor and the exporter can count what
  // they drop (otel.sdk.processor.span.processed and otel.sdk.exporter.span.exported, with error.type). Prometheus
  // pulls it from GET /metrics. Global before the instrumentations are registered: they take the global provider.
  meterProvider = new MeterProvider({ resource, readers: [prometheusExporter] });
  metrics.setGlobalMeterProvider(meterProvider);

  // An unreachable, slow or refusing backend costs the app nothing but the spans: the queue is bounded (OTEL_BSP_*),
  // spans that do not fit and batches that fail are dropped and counted, and one warning says so (not one per batch).
  const outage = new ExportOutageReporter(new OTLPTraceExporter({ selfObsMeterProvider: meterProvider }));
  setGlobalErrorHandler(outage.errorHandler);

  // What NodeSDK.start() does, with the parts the template uses (see sdk-env.ts for why not NodeSDK itself).
  tracerProvider = new TracerProvider({
    resource,
    sampler: samplerFromEnv(),
    spanLimits: spanLimitsFromEnv(),
    spanProcessors: [
      // First, so the processors after it and the exporter only ever read redacted URLs and headers.
      new RedactingSpanProcessor(),
      // Baggage becomes attributes of each process's entry span, so a trace can be found by the request id a client
      // or a log line shows. Only app.request.id and the allowlisted keys: the gateway's HTTP span starts before
      // it filters client baggage (its app.request.id attribute is set by the request-context middleware).
      new EntrySpanBaggageProcessor(spanBaggageKeys()),
      // OTLP/HTTP JSON, batched; OTEL_BSP_* tune the delay, queue and batch sizes.
      new BatchSpanProcessor({ exporter: outage, selfObsMeterProvider: meterProvider, ...batchOptionsFromEnv() }),
      new DbQueryMetricsProcessor(),
    ],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const propagator = propagatorFromEnv();
  if (propagator) propagation.setGlobalPropagator(propagator);
  trace.setGlobalTracerProvider(tracerProvider);
  registerInstrumentations({ instrumentations: createInstrumentations(), tracerProvider, meterProvider });
}

/** Flushes pending spans and stops the SDK. Safe to call more than once. */
export async function shutdownTracing(): Promise<void> {
  const [runningTracer, runningMeters] = [tracerProvider, meterProvider];
  tracerProvider = undefined;
  meterProvider = undefined;
  await runningTracer?.shutdown();
  await runningMeters?.shutdown();
}

/**
 * Our defaults, overridden by what the environment says (OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME) and completed
 * with a random service.instance.id and the process, host and OS: the detectors NodeSDK runs by default.
 */
function detectedResource(serviceName: string): Resource {
  return resourceFromAttributes({
    [ATTR_SERVICE_NAME]: serviceName,
    [ATTR_SERVICE_VERSION]: process.env.SERVICE_VERSION ?? packageVersion(),
    [ATTR_DEPLOYMENT_ENVIRONMENT_NAME]: process.env.NODE_ENV ?? 'development',
  }).merge(
    detectResources({
      detectors: [serviceInstanceIdDetector, processDetector, hostDetector, osDetector, envDetector],
    }),
  );
}

/**
 * Keys copied from baggage to span attributes: `app.request.id` and BAGGAGE_ALLOWLIST (see libs/config). They land on
 * each process's entry span, whatever library made it, so allowlisted keys should be `app.*` ones listed in
 * app-attributes.ts.
 */
function spanBaggageKeys(): (key: string) => boolean {
  const allowed = new Set([
    REQUEST_ID_BAGGAGE_KEY,
    ...(process.env.BAGGAGE_ALLOWLIST ?? '').split(',').map((key) => key.trim()),
  ]);
  return (key) => allowed.has(key);
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
