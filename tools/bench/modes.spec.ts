import { MODES, schedule, tracingEnv } from './modes';

const endpoints = { receiver: 'http://127.0.0.1:4318', refusing: 'http://127.0.0.1:1' };

describe('tracingEnv', () => {
  it('turns the SDK off in `off`, and sends no endpoint', () => {
    expect(tracingEnv('off', endpoints)).toEqual({ OTEL_SDK_DISABLED: 'true' });
  });

  it('keeps the SDK on but records nothing in `always_off`', () => {
    expect(tracingEnv('always_off', endpoints)).toEqual({
      OTEL_TRACES_SAMPLER: 'always_off',
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoints.receiver,
    });
  });

  it('samples everything to the live receiver in `on`', () => {
    expect(tracingEnv('on', endpoints)).toEqual({
      OTEL_TRACES_SAMPLER: 'parentbased_always_on',
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoints.receiver,
    });
  });

  it('samples 10% by trace id, parent-based, in `sampled`', () => {
    expect(tracingEnv('sampled', endpoints)).toMatchObject({
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.1',
    });
  });

  it('samples everything to the refusing endpoint in `backend-down`', () => {
    expect(tracingEnv('backend-down', endpoints).OTEL_EXPORTER_OTLP_ENDPOINT).toBe(endpoints.refusing);
  });

  it('never disables the SDK in a tracing mode', () => {
    for (const mode of MODES.filter((m) => m !== 'off')) {
      expect(tracingEnv(mode, endpoints)).not.toHaveProperty('OTEL_SDK_DISABLED');
    }
  });
});

describe('schedule', () => {
  it('interleaves the modes: every mode once per round, rounds in order', () => {
    expect(schedule(2, ['off', 'on']).map(({ round, mode }) => `${round}:${mode}`)).toEqual([
      '1:off',
      '1:on',
      '2:off',
      '2:on',
    ]);
  });
});
