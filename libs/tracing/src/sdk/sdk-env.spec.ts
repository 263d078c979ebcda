import { ROOT_CONTEXT, defaultTextMapGetter, defaultTextMapSetter, diag } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace';
import { batchOptionsFromEnv, propagatorFromEnv, samplerFromEnv, spanLimitsFromEnv } from './sdk-env';

const ORIGINAL_ENV = process.env;

function withEnv(env: NodeJS.ProcessEnv): void {
  process.env = { ...ORIGINAL_ENV, ...env };
}

describe('the SDK settings read from OTEL_* variables', () => {
  let reportedError: jest.SpyInstance;

  beforeEach(() => {
    reportedError = jest.spyOn(diag, 'error').mockImplementation(() => undefined);
    jest.spyOn(diag, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    process.env = ORIGINAL_ENV;
    jest.restoreAllMocks();
  });

  describe(samplerFromEnv.name, () => {
    it.each([
      ['always_on', 'AlwaysOnSampler'],
      ['always_off', 'AlwaysOffSampler'],
      ['traceidratio', 'TraceIdRatioBased{0.1}'],
      ['parentbased_always_on', 'ParentBased{root=AlwaysOnSampler'],
      ['parentbased_always_off', 'ParentBased{root=AlwaysOffSampler'],
      ['parentbased_traceidratio', 'ParentBased{root=TraceIdRatioBased{0.1}'],
    ])('builds %s', (name, description) => {
      withEnv({ OTEL_TRACES_SAMPLER: name, OTEL_TRACES_SAMPLER_ARG: '0.1' });

      expect(samplerFromEnv()?.toString()).toContain(description);
    });

    it('leaves the SDK default when unset', () => {
      withEnv({ OTEL_TRACES_SAMPLER: undefined });

      expect(samplerFromEnv()).toBeUndefined();
    });

    it('reports an unknown sampler and leaves the default', () => {
      withEnv({ OTEL_TRACES_SAMPLER: 'jaeger_remote' });

      expect(samplerFromEnv()).toBeUndefined();
      expect(reportedError).toHaveBeenCalledWith(expect.stringContaining('jaeger_remote'));
    });

    it.each(['', '1.5', '-1', 'half'])('samples everything when the ratio is %j, and says so', (ratio) => {
      withEnv({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: ratio });

      expect(samplerFromEnv()?.toString()).toBe(new TraceIdRatioBasedSampler(1).toString());
      expect(reportedError).toHaveBeenCalledTimes(1);
    });

    it('returns real SDK samplers', () => {
      withEnv({ OTEL_TRACES_SAMPLER: 'parentbased_always_off' });
      expect(samplerFromEnv()).toBeInstanceOf(ParentBasedSampler);
      withEnv({ OTEL_TRACES_SAMPLER: 'always_on' });
      expect(samplerFromEnv()).toBeInstanceOf(AlwaysOnSampler);
      withEnv({ OTEL_TRACES_SAMPLER: 'always_off' });
      expect(samplerFromEnv()).toBeInstanceOf(AlwaysOffSampler);
    });
  });

  describe(spanLimitsFromEnv.name, () => {
    it('takes the span-specific limit over the general one, and omits what is unset', () => {
      withEnv({
        OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '64',
        OTEL_ATTRIBUTE_COUNT_LIMIT: '32',
        OTEL_SPAN_EVENT_COUNT_LIMIT: '8',
      });

      expect(spanLimitsFromEnv()).toEqual({ attributeCountLimit: 64, eventCountLimit: 8 });
    });
  });

  describe(propagatorFromEnv.name, () => {
    it('propagates W3C trace context and baggage by default', () => {
      withEnv({ OTEL_PROPAGATORS: undefined });

      expect(propagatorFromEnv()?.fields()).toEqual(['traceparent', 'tracestate', 'baggage']);
    });

    it('propagates tracecontext by W3C Trace Context Level 2: the random flag and @ in tracestate keys', () => {
      withEnv({ OTEL_PROPAGATORS: 'tracecontext' });
      const propagator = propagatorFromEnv()!;
      const traceparent = '00-12345678901234567890123456789012-1234567890123456-02';

      const extracted = propagator.extract(
        ROOT_CONTEXT,
        { traceparent, tracestate: 'tenant@vendor@x=1' },
        defaultTextMapGetter,
      );
      const outgoing: Record<string, string> = {};
      propagator.inject(extracted, outgoing, defaultTextMapSetter);

      expect(outgoing).toEqual({ traceparent, tracestate: 'tenant@vendor@x=1' });
    });

    it('propagates only what is listed, skipping unsupported formats', () => {
      withEnv({ OTEL_PROPAGATORS: 'b3,tracecontext' });

      expect(propagatorFromEnv()?.fields()).toEqual(['traceparent', 'tracestate']);
    });

    it('propagates nothing for none', () => {
      withEnv({ OTEL_PROPAGATORS: 'tracecontext,none' });

      expect(propagatorFromEnv()).toBeUndefined();
    });
  });

  describe(batchOptionsFromEnv.name, () => {
    it('reads the set, non-negative OTEL_BSP_* values only', () => {
      withEnv({ OTEL_BSP_MAX_QUEUE_SIZE: '40', OTEL_BSP_SCHEDULE_DELAY: '-5', OTEL_BSP_EXPORT_TIMEOUT: 'soon' });

      expect(batchOptionsFromEnv()).toEqual({ maxQueueSize: 40 });
    });
  });
});
