// The tracing modes the benchmark compares, as the environment each gives the apps.

export const MODES = ['off', 'always_off', 'on', 'sampled', 'backend-down'] as const;
export type Mode = (typeof MODES)[number];

export const SAMPLED_RATIO = 0.1;

/**
 * `receiver` is a live OTLP/HTTP endpoint; `refusing` one where nothing listens, so every export is refused.
 * Only standard OTEL_* variables: the apps' SDK reads them as it would in production.
 */
export function tracingEnv(mode: Mode, endpoints: { receiver: string; refusing: string }): Record<string, string> {
  switch (mode) {
    case 'off':
      return { OTEL_SDK_DISABLED: 'true' };
    // The SDK and every instrumentation run, but nothing is recorded: the fixed cost of tracing per request.
    case 'always_off':
      return { OTEL_TRACES_SAMPLER: 'always_off', OTEL_EXPORTER_OTLP_ENDPOINT: endpoints.receiver };
    case 'on':
      return { OTEL_TRACES_SAMPLER: 'parentbased_always_on', OTEL_EXPORTER_OTLP_ENDPOINT: endpoints.receiver };
    case 'sampled':
      return {
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: String(SAMPLED_RATIO),
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoints.receiver,
      };
    case 'backend-down':
      return { OTEL_TRACES_SAMPLER: 'parentbased_always_on', OTEL_EXPORTER_OTLP_ENDPOINT: endpoints.refusing };
  }
}

/** The rounds' order: every mode once per round, so drift on a shared machine touches all modes alike. */
export function schedule(rounds: number, modes: readonly Mode[] = MODES): { round: number; mode: Mode }[] {
  return Array.from({ length: rounds }, (_, round) => modes.map((mode) => ({ round: round + 1, mode }))).flat();
}
