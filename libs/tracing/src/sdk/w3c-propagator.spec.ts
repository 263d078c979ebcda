import { ROOT_CONTEXT, defaultTextMapGetter, defaultTextMapSetter } from '@opentelemetry/api';
import { w3cPropagatorFromEnv } from './w3c-propagator';

const ORIGINAL_ENV = process.env;

function withPropagators(value: string | undefined): void {
  process.env = { ...ORIGINAL_ENV, OTEL_PROPAGATORS: value };
  if (value === undefined) delete process.env.OTEL_PROPAGATORS;
}

describe(w3cPropagatorFromEnv.name, () => {
  afterEach(() => {
    process.env = ORIGINAL_ENV;
  });

  it('propagates W3C trace context and baggage by default', () => {
    withPropagators(undefined);

    expect(w3cPropagatorFromEnv()?.fields()).toEqual(['traceparent', 'tracestate', 'baggage']);
  });

  it('reads and writes tracecontext by Level 2: the random flag and @ in tracestate keys survive a hop', () => {
    withPropagators('tracecontext');
    const propagator = w3cPropagatorFromEnv()!;
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

  it('propagates only what is listed', () => {
    withPropagators('baggage');

    expect(w3cPropagatorFromEnv()?.fields()).toEqual(['baggage']);
  });

  it.each(['b3,tracecontext', 'b3multi', 'tracecontext,none', 'none'])(
    'leaves %s to NodeSDK, which reads OTEL_PROPAGATORS itself',
    (value) => {
      withPropagators(value);

      expect(w3cPropagatorFromEnv()).toBeUndefined();
    },
  );
});
