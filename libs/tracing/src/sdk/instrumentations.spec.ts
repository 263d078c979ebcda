import { INSTRUMENTATION_NAMES, createInstrumentations } from './instrumentations';

describe(createInstrumentations.name, () => {
  const saved = process.env.OTEL_NODE_DISABLED_INSTRUMENTATIONS;
  const made: { disable(): void }[] = [];

  afterEach(() => {
    made.splice(0).forEach((instrumentation) => instrumentation.disable());
    if (saved === undefined) delete process.env.OTEL_NODE_DISABLED_INSTRUMENTATIONS;
    else process.env.OTEL_NODE_DISABLED_INSTRUMENTATIONS = saved;
  });

  function names(disabled?: string) {
    if (disabled === undefined) delete process.env.OTEL_NODE_DISABLED_INSTRUMENTATIONS;
    else process.env.OTEL_NODE_DISABLED_INSTRUMENTATIONS = disabled;
    const instrumentations = createInstrumentations();
    made.push(...instrumentations);
    return instrumentations.map((instrumentation) => instrumentation.instrumentationName);
  }

  it('registers Nest, fetch (undici) and the rest by default', () => {
    expect(names()).toEqual(
      expect.arrayContaining([
        '@opentelemetry/instrumentation-http',
        '@opentelemetry/instrumentation-nestjs-core',
        '@opentelemetry/instrumentation-undici',
        '@prisma/instrumentation',
      ]),
    );
    expect(names()).toHaveLength(INSTRUMENTATION_NAMES.length);
  });

  it('leaves out those named in OTEL_NODE_DISABLED_INSTRUMENTATIONS', () => {
    const sut = names(' nestjs-core , undici,not-a-thing');

    expect(sut).toHaveLength(INSTRUMENTATION_NAMES.length - 2);
    expect(sut).not.toContain('@opentelemetry/instrumentation-nestjs-core');
    expect(sut).not.toContain('@opentelemetry/instrumentation-undici');
    expect(sut).toContain('@opentelemetry/instrumentation-http');
  });
});
