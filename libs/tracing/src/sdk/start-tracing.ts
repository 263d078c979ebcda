import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { createInstrumentations } from './instrumentations';
import { assertNothingInstrumentedLoaded } from './load-order';

// Incubating semconv keys are copied, not imported, as @opentelemetry/semantic-conventions advises.
const ATTR_DEPLOYMENT_ENVIRONMENT_NAME = 'deployment.environment.name';

export interface TracingOptions {
  /** Default `service.name`; OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES override it. */
  serviceName: string;
}

let sdk: NodeSDK | undefined;

/**
 * Starts the OpenTelemetry Node SDK. Must run before @nestjs/core, express, pg or pino are required,
 * because instrumentations patch modules as they load: each app's `main.ts` imports its `tracing.ts` first.
 * Honours the standard OTEL_* variables (OTEL_SDK_DISABLED, OTEL_EXPORTER_OTLP_*, OTEL_BSP_*, OTEL_TRACES_SAMPLER…).
 */
export function startTracing({ serviceName }: TracingOptions): void {
  if (sdk || process.env.OTEL_SDK_DISABLED === 'true') return;
  assertNothingInstrumentedLoaded();

  sdk = new NodeSDK({
    // Detected attributes (OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME, a random service.instance.id) win over these.
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: serviceName,
      [ATTR_SERVICE_VERSION]: process.env.SERVICE_VERSION ?? packageVersion(),
      [ATTR_DEPLOYMENT_ENVIRONMENT_NAME]: process.env.NODE_ENV ?? 'development',
    }),
    // OTLP/HTTP JSON through a batch processor that the SDK builds from OTEL_BSP_* (delay, queue, batch size).
    traceExporter: new OTLPTraceExporter(),
    // Traces only: metrics are scraped by Prometheus and logs go to stdout, so no OTLP export for either.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: createInstrumentations(),
  });
  sdk.start();
}

/** Flushes pending spans and stops the SDK. Safe to call more than once. */
export async function shutdownTracing(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  await running?.shutdown();
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
