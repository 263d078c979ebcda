import { ROOT_CONTEXT, TraceFlags, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { EntrySpanBaggageProcessor } from './entry-span-baggage-processor';

describe(EntrySpanBaggageProcessor.name, () => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    spanProcessors: [
      new EntrySpanBaggageProcessor((key) => key === 'app.request.id'),
      new SimpleSpanProcessor({ exporter }),
    ],
  });
  const tracer = provider.getTracer('entry-span-baggage-processor.spec');
  const withBaggage = propagation.setBaggage(
    ROOT_CONTEXT,
    propagation.createBaggage({ 'app.request.id': { value: 'r-1' }, 'session.secret': { value: 's3cr3t' } }),
  );

  afterEach(() => exporter.reset());
  afterAll(() => provider.shutdown());

  function attributesOf(name: string) {
    return exporter.getFinishedSpans().find((span) => span.name === name)?.attributes;
  }

  it('copies the allowed baggage keys to a root span, and no others', () => {
    tracer.startSpan('root', {}, withBaggage).end();

    expect(attributesOf('root')).toEqual({ 'app.request.id': 'r-1' });
  });

  it('copies them to a span whose parent came from another process', () => {
    const remoteParent = trace.setSpanContext(withBaggage, {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    tracer.startSpan('server', {}, remoteParent).end();

    expect(attributesOf('server')).toEqual({ 'app.request.id': 'r-1' });
  });

  it('leaves the spans below the entry span alone', () => {
    const entry = tracer.startSpan('entry', {}, withBaggage);
    tracer.startSpan('child', {}, trace.setSpan(withBaggage, entry)).end();
    entry.end();

    expect(attributesOf('entry')).toEqual({ 'app.request.id': 'r-1' });
    expect(attributesOf('child')).toEqual({});
  });
});
