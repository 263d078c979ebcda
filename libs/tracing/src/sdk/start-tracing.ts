import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { metrics } from '@opentelemetry/api';
import { setGlobalErrorHandler } from '@opentelemetry/core';
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
import { BaggageSpanProcessor } from '@opentelemetry/baggage-span-processor';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, BatchSpanProcessorOptions } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { REQUEST_ID_BAGGAGE_KEY } from '../http/request-context.middleware';
import { DbQueryMetricsProcessor } from '../metrics/db-metrics.processor';
import { prometheusExporter } from '../metrics/prometheus';
import { ExportOutageReporter } from './export-outage';
import { createInstrumentations } from './instrumentations';
import { assertNothingInstrumentedLoaded } from './load-order';
import { RedactingSpanProcessor } from './redacting-span-processor';

// Incubating semconv keys are copied, not imported, as @opentelemetry/semantic-conventions advises.
const ATTR_DEPLOYMENT_ENVIRONMENT_NAME = 'deployment.environment.name';

export interface TracingOptions {
  /** Default `service.name`; OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES override it. */
  serviceName: string;
}

let sdk: NodeSDK | undefined;
let meterProvider: MeterProvider | undefined;

/**
 * Starts the OpenTelemetry Node SDK. Must run before @nestjs/core, express, pg or pino are required,
 * because instrumentations patch modules as they load: each app's `main.ts` imports its `tracing.ts` first.
 * Honours the standard OTEL_* variables (OTEL_SDK_DISABLED, OTEL_EXPORTER_OTLP_*, OTEL_BSP_*, OTEL_TRACES_SAMPLER…).
 */
export function startTracing({ serviceName }: TracingOptions): void {
  if (sdk || process.env.OTEL_SDK_DISABLED === 'true') return;
  assertNothingInstrumentedLoaded();

  const resource = detectedResource(serviceName);
  // Our own meter provider, made before the span pipeline, so the batch processor and the exporter can count what
  // they drop (otel.sdk.processor.span.processed and otel.sdk.exporter.span.exported, with error.type); NodeSDK
  // would create its provider only after taking our span processors. Prometheus pulls it from GET /metrics.
  meterProvider = new MeterProvider({ resource, readers: [prometheusExporter] });
  // Global before sdk.start(): the instrumentations take the global provider when they are registered.
  metrics.setGlobalMeterProvider(meterProvider);

  // An unreachable, slow or refusing backend costs the app nothing but the spans: the queue is bounded (OTEL_BSP_*),
  // spans that do not fit and batches that fail are dropped and counted, and one warning says so (not one per batch).
  const outage = new ExportOutageReporter(new OTLPTraceExporter({ selfObsMeterProvider: meterProvider }));
  setGlobalErrorHandler(outage.errorHandler);

  sdk = new NodeSDK({
    resource,
    autoDetectResources: false,
    spanProcessors: [
      // First, so the processors after it and the exporter only ever read redacted URLs and headers.
      new RedactingSpanProcessor(),
      // Baggage becomes span attributes, so a trace can be found by the request id a client or a log line shows.
      // Only app.request.id and the allowlisted keys: the gateway's first spans start before it filters client baggage.
      new BaggageSpanProcessor(spanBaggageKeys()),
      // OTLP/HTTP JSON, batched; OTEL_BSP_* tune the delay, queue and batch sizes.
      new BatchSpanProcessor({ exporter: outage, selfObsMeterProvider: meterProvider, ...batchOptionsFromEnv() }),
      new DbQueryMetricsProcessor(),
    ],
    // Metrics go through the provider above; logs go to stdout, so neither is exported over OTLP.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: createInstrumentations(),
  });
  sdk.start();
}

/** Flushes pending spans and stops the SDK. Safe to call more than once. */
export async function shutdownTracing(): Promise<void> {
  const [runningSdk, runningMeters] = [sdk, meterProvider];
  sdk = undefined;
  meterProvider = undefined;
  await runningSdk?.shutdown();
  await runningMeters?.shutdown();
}

/**
 * Our defaults, overridden by what the environment says (OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME) and completed
 * with a random service.instance.id and the process, host and OS: the detectors NodeSDK would run, run here because
 * the meter provider needs the resource before the SDK starts.
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
 * every span, other libraries' too, so allowlisted keys should be `app.*` ones listed in app-attributes.ts.
 */
function spanBaggageKeys(): (key: string) => boolean {
  const allowed = new Set([
    REQUEST_ID_BAGGAGE_KEY,
    ...(process.env.BAGGAGE_ALLOWLIST ?? '').split(',').map((key) => key.trim()),
  ]);
  return (key) => allowed.has(key);
}

/** The SDK reads OTEL_BSP_* only for processors it builds itself; ours is built here, so we read them. */
function batchOptionsFromEnv(): Partial<BatchSpanProcessorOptions> {
  const number = (name: string) => {
    const value = Number(process.env[name]);
    return process.env[name] && Number.isFinite(value) && value >= 0 ? value : undefined;
  };
  const options = {
    scheduledDelayMillis: number('OTEL_BSP_SCHEDULE_DELAY'),
    maxQueueSize: number('OTEL_BSP_MAX_QUEUE_SIZE'),
    maxExportBatchSize: number('OTEL_BSP_MAX_EXPORT_BATCH_SIZE'),
    exportTimeoutMillis: number('OTEL_BSP_EXPORT_TIMEOUT'),
  };
  // Unset variables leave the processor's own defaults in place.
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
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
