import { DiagConsoleLogger, type TextMapPropagator, diag } from '@opentelemetry/api';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  diagLogLevelFromString,
  getNumberFromEnv,
  getStringFromEnv,
  getStringListFromEnv,
} from '@opentelemetry/core';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  type BatchSpanProcessorOptions,
  type Sampler,
  type SpanLimits,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace';
import { W3CTraceContextLevel2Propagator } from '../propagators/w3c-trace-context-level2';

// The standard OTEL_* variables that @opentelemetry/sdk-node reads, read the way it reads them (its
// create-from-env.ts). We compose the SDK from its parts instead of using NodeSDK because loading NodeSDK costs every
// process about 200 ms of start-up: it requires the exporters of every protocol (gRPC included), the logs SDK, the B3
// propagator and a YAML parser, none of which the template uses (bench/results, "cold start").

/** OTEL_LOG_LEVEL: the SDK's own diagnostics on the console, as NodeSDK sets them up. */
export function diagnosticsFromEnv(): void {
  const level = getStringFromEnv('OTEL_LOG_LEVEL');
  if (level) diag.setLogger(new DiagConsoleLogger(), { logLevel: diagLogLevelFromString(level) });
}

/** OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG; unset means the SDK default, parent-based always-on. */
export function samplerFromEnv(): Sampler | undefined {
  const name = getStringFromEnv('OTEL_TRACES_SAMPLER');
  switch (name) {
    case undefined:
      return undefined;
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratioFromEnv());
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratioFromEnv()) });
    default:
      diag.error(`unknown OTEL_TRACES_SAMPLER value "${name}", using the default`);
      return undefined;
  }
}

function ratioFromEnv(): number {
  const ratio = getNumberFromEnv('OTEL_TRACES_SAMPLER_ARG');
  if (ratio === undefined || ratio < 0 || ratio > 1) {
    diag.error(`OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1; sampling everything`);
    return 1;
  }
  return ratio;
}

/** OTEL_SPAN_* and OTEL_ATTRIBUTE_* limits; unset ones keep the SDK's defaults. */
export function spanLimitsFromEnv(): SpanLimits {
  const limits: SpanLimits = {
    attributeCountLimit:
      getNumberFromEnv('OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT') ?? getNumberFromEnv('OTEL_ATTRIBUTE_COUNT_LIMIT'),
    attributeValueLengthLimit:
      getNumberFromEnv('OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT') ??
      getNumberFromEnv('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT'),
    eventCountLimit: getNumberFromEnv('OTEL_SPAN_EVENT_COUNT_LIMIT'),
    linkCountLimit: getNumberFromEnv('OTEL_SPAN_LINK_COUNT_LIMIT'),
    attributePerEventCountLimit:
      getNumberFromEnv('OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT') ??
      getNumberFromEnv('OTEL_SPAN_ATTRIBUTE_PER_EVENT_COUNT_LIMIT'),
    attributePerLinkCountLimit:
      getNumberFromEnv('OTEL_LINK_ATTRIBUTE_COUNT_LIMIT') ??
      getNumberFromEnv('OTEL_SPAN_ATTRIBUTE_PER_LINK_COUNT_LIMIT'),
  };
  return Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined));
}

/**
 * OTEL_PROPAGATORS, limited to the W3C formats that every transport of the template carries: `tracecontext`,
 * `baggage` (the default is both) or `none`.
 */
export function propagatorFromEnv(): TextMapPropagator | undefined {
  const names = getStringListFromEnv('OTEL_PROPAGATORS') ?? ['tracecontext', 'baggage'];
  if (names.includes('none')) return undefined;
  const known: Record<string, () => TextMapPropagator> = {
    // Level 2 of W3C Trace Context, which the stock W3CTraceContextPropagator does not fully implement yet.
    tracecontext: () => new W3CTraceContextLevel2Propagator(),
    baggage: () => new W3CBaggagePropagator(),
  };
  const propagators = [...new Set(names)].flatMap((name) => {
    if (known[name]) return [known[name]()];
    diag.warn(`OTEL_PROPAGATORS: "${name}" is not supported here (tracecontext, baggage or none)`);
    return [];
  });
  return propagators.length > 0 ? new CompositePropagator({ propagators }) : undefined;
}

/** OTEL_BSP_*: the delay, queue, batch size and timeout of the batch span processor. */
export function batchOptionsFromEnv(): Partial<BatchSpanProcessorOptions> {
  const options = {
    scheduledDelayMillis: nonNegativeFromEnv('OTEL_BSP_SCHEDULE_DELAY'),
    maxQueueSize: nonNegativeFromEnv('OTEL_BSP_MAX_QUEUE_SIZE'),
    maxExportBatchSize: nonNegativeFromEnv('OTEL_BSP_MAX_EXPORT_BATCH_SIZE'),
    exportTimeoutMillis: nonNegativeFromEnv('OTEL_BSP_EXPORT_TIMEOUT'),
  };
  // Unset variables leave the processor's own defaults in place.
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

function nonNegativeFromEnv(name: string): number | undefined {
  const value = getNumberFromEnv(name);
  return value !== undefined && value >= 0 ? value : undefined;
}
