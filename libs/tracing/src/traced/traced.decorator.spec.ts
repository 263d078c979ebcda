import 'reflect-metadata';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { ATTR_CODE_FUNCTION_NAME, ATTR_EXCEPTION_MESSAGE } from '@opentelemetry/semantic-conventions';
import { useTestTracing } from '../testing/test-tracing';
import { Traced } from './traced.decorator';

const activeSpanId = (): string | undefined => trace.getActiveSpan()?.spanContext().spanId;
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

// Defined before any provider is registered: the tracer must be looked up at call time.
class Calculator {
  private readonly offset = 10;

  @Traced()
  add(a: number, b: number): number {
    return a + b + this.offset;
  }

  @Traced({ name: 'calc.custom', kind: SpanKind.CLIENT, attributes: { 'app.static': 'yes', 'app.count': 2 } })
  custom(): void {}

  @Traced({ attributes: (id: string, flags: { dryRun: boolean }) => ({ 'app.id': id, 'app.dry_run': flags.dryRun }) })
  fromArgs(id: string, flags: { dryRun: boolean }): string {
    return `${id}:${flags.dryRun}`;
  }

  @Traced({
    attributes: () => {
      throw new Error('attribute bug');
    },
  })
  brokenAttributes(): string {
    return 'still ran';
  }

  @Traced()
  outer(): { outer?: string; inner?: string } {
    return { outer: activeSpanId(), inner: this.inner() };
  }

  @Traced()
  inner(): string | undefined {
    return activeSpanId();
  }
}

describe(Traced.name, () => {
  const { provider, exporter, finished, onlySpan } = useTestTracing();

  describe('on a method', () => {
    it('wraps the call in a span named ClassName.method', () => {
      const sut = new Calculator();

      expect(sut.add(1, 2)).toBe(13);

      const span = onlySpan('Calculator.add');
      expect(span.kind).toBe(SpanKind.INTERNAL);
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
      expect(span.instrumentationScope.name).toBe('@app/tracing');
      expect(span.attributes).toEqual({ [ATTR_CODE_FUNCTION_NAME]: 'Calculator.add' });
    });

    it('applies the name, kind and static attributes options', () => {
      new Calculator().custom();

      const span = onlySpan('calc.custom');
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.attributes).toEqual({
        [ATTR_CODE_FUNCTION_NAME]: 'Calculator.custom',
        'app.static': 'yes',
        'app.count': 2,
      });
    });

    it("computes attributes from the call's arguments", () => {
      const sut = new Calculator();

      expect(sut.fromArgs('42', { dryRun: true })).toBe('42:true');

      expect(onlySpan('Calculator.fromArgs').attributes).toMatchObject({ 'app.id': '42', 'app.dry_run': true });
    });

    it('still runs the call when computing attributes throws, and records the span without them', () => {
      const sut = new Calculator();

      expect(sut.brokenAttributes()).toBe('still ran');

      expect(onlySpan('Calculator.brokenAttributes').attributes).toEqual({
        [ATTR_CODE_FUNCTION_NAME]: 'Calculator.brokenAttributes',
      });
    });

    it('makes the span active during the call, so a nested traced call becomes its child', () => {
      const sut = new Calculator();

      const seen = sut.outer();

      const outer = onlySpan('Calculator.outer');
      const inner = onlySpan('Calculator.inner');
      expect(seen).toEqual({ outer: outer.spanContext().spanId, inner: inner.spanContext().spanId });
      expect(inner.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
      expect(inner.spanContext().traceId).toBe(outer.spanContext().traceId);
      expect(outer.parentSpanContext).toBeUndefined();
    });

    it('uses the tracer provider registered at call time', () => {
      const sut = new Calculator();
      sut.add(0, 0); // an implementation caching its tracer would cache it now
      exporter.reset();
      const laterExporter = new InMemorySpanExporter();
      const laterProvider = new TracerProvider({
        spanProcessors: [new SimpleSpanProcessor({ exporter: laterExporter })],
      });

      trace.disable();
      trace.setGlobalTracerProvider(laterProvider);
      try {
        sut.add(1, 1);
      } finally {
        trace.disable();
        trace.setGlobalTracerProvider(provider);
      }

      expect(laterExporter.getFinishedSpans().map((span) => span.name)).toEqual(['Calculator.add']);
      expect(finished()).toHaveLength(0);
    });

    it("keeps the method's name and arity", () => {
      const sut = Calculator.prototype;

      expect(sut.add.name).toBe('add');
      expect(sut.add.length).toBe(2);
      expect(sut.fromArgs.length).toBe(2);
      expect(sut.custom.length).toBe(0);
    });

    it('rejects accessors with a clear error', () => {
      const decorate = Traced() as MethodDecorator;
      const accessor: PropertyDescriptor = { get: () => 1, configurable: true };

      expect(() => decorate(Calculator.prototype, 'value', accessor)).toThrow(
        new TypeError('@Traced() can only decorate methods, and Calculator.value is not one'),
      );
    });
  });

  describe('errors', () => {
    class Failing {
      @Traced()
      throwSync(error: unknown): never {
        throw error;
      }

      @Traced()
      async rejectLater(error: Error): Promise<never> {
        await tick();
        throw error;
      }
    }

    it('records a synchronous throw and rethrows the same error synchronously', () => {
      const sut = new Failing();
      const error = new RangeError('out of range');

      let thrown: unknown;
      try {
        sut.throwSync(error);
      } catch (caught) {
        thrown = caught;
      }

      expect(thrown).toBe(error);
      const span = onlySpan('Failing.throwSync');
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'out of range' });
      expect(span.events.map((event) => event.name)).toEqual(['exception']);
      expect(span.events[0].attributes).toMatchObject({
        [ATTR_EXCEPTION_MESSAGE]: 'out of range',
        'exception.type': 'RangeError',
      });
    });

    it('records a rejection and rejects with the same error, without throwing synchronously', async () => {
      const sut = new Failing();
      const error = new Error('async failure');

      const result = sut.rejectLater(error);

      expect(result).toBeInstanceOf(Promise);
      expect(finished()).toHaveLength(0);
      await expect(result).rejects.toBe(error);
      const span = onlySpan('Failing.rejectLater');
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'async failure' });
      expect(span.events[0].attributes?.[ATTR_EXCEPTION_MESSAGE]).toBe('async failure');
    });

    it('records thrown values that are not Errors by their string form', () => {
      const sut = new Failing();

      expect(() => sut.throwSync('plain string')).toThrow('plain string');

      expect(onlySpan('Failing.throwSync').status).toEqual({ code: SpanStatusCode.ERROR, message: 'plain string' });
    });
  });
});
