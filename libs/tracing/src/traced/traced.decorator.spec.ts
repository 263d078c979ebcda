import 'reflect-metadata';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { ATTR_CODE_FUNCTION_NAME, ATTR_EXCEPTION_MESSAGE } from '@opentelemetry/semantic-conventions';
import { Observable, Subject, lastValueFrom } from 'rxjs';
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
  const { provider, exporter, finished, onlySpan, startedCount } = useTestTracing();

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

  describe('promises', () => {
    class Waiting {
      release?: (value: string) => void;

      @Traced()
      async waitForRelease(): Promise<{ value: string; activeAfterAwait?: string }> {
        const value = await new Promise<string>((resolve) => (this.release = resolve));
        return { value, activeAfterAwait: activeSpanId() };
      }

      @Traced()
      thenable(): PromiseLike<string> {
        // Not async and not a Promise: only `then`.
        return { then: (onFulfilled) => Promise.resolve(onFulfilled?.('from thenable')) } as PromiseLike<string>;
      }
    }

    it('keeps the span open until the promise settles, and active across awaits', async () => {
      const sut = new Waiting();

      const result = sut.waitForRelease();
      await tick();
      expect(finished()).toHaveLength(0);
      expect(startedCount('Waiting.waitForRelease')).toBe(1);
      sut.release!('done');
      const { value, activeAfterAwait } = await result;

      expect(value).toBe('done');
      expect(activeAfterAwait).toBe(onlySpan('Waiting.waitForRelease').spanContext().spanId);
    });

    it('traces a non-async method returning a thenable until it resolves', async () => {
      const sut = new Waiting();

      const result = sut.thenable();

      expect(result).toBeInstanceOf(Promise);
      expect(finished()).toHaveLength(0);
      await expect(result).resolves.toBe('from thenable');
      expect(onlySpan('Waiting.thenable').status.code).toBe(SpanStatusCode.UNSET);
    });
  });

  describe('Observables', () => {
    class Streams {
      readonly source = new Subject<number>();
      subscribeCalls = 0;

      @Traced()
      lazy(): Observable<string | undefined> {
        // Work done on subscribe, like an HTTP or RPC client call.
        return new Observable((subscriber) => {
          subscriber.next(activeSpanId());
          subscriber.complete();
        });
      }

      @Traced()
      stream(): Observable<number> {
        return new Observable<number>((subscriber) => {
          this.subscribeCalls++;
          return this.source.subscribe(subscriber);
        });
      }
    }

    /** The call's span is adopted by the first subscription, so every finished span is a subscription's. */
    const subscriptionSpans = (): ReadableSpan[] => finished('Streams.stream');

    it('keeps one span from the call through the first subscription, ending it on complete', () => {
      const sut = new Streams();
      let endedWhenNotified = false;

      const stream = sut.stream();
      expect(finished('Streams.stream')).toHaveLength(0);
      expect(startedCount('Streams.stream')).toBe(1);
      stream.subscribe({ complete: () => (endedWhenNotified = subscriptionSpans().length === 1) });
      expect(startedCount('Streams.stream')).toBe(1);
      sut.source.next(1);
      sut.source.next(2);
      expect(subscriptionSpans()).toHaveLength(0);
      sut.source.complete();

      expect(endedWhenNotified).toBe(true);
      expect(subscriptionSpans()[0].status.code).toBe(SpanStatusCode.UNSET);
    });

    it('works with consumers awaiting the Observable', async () => {
      const sut = new Streams();

      const last = lastValueFrom(sut.stream());
      sut.source.next(1);
      sut.source.next(2);
      sut.source.complete();

      await expect(last).resolves.toBe(2);
      expect(subscriptionSpans()).toHaveLength(1);
    });

    it('runs the work done on subscribe with the subscription span active', async () => {
      const sut = new Streams();

      const activeOnSubscribe = await lastValueFrom(sut.lazy());

      const [subscription] = finished('Streams.lazy');
      expect(activeOnSubscribe).toBe(subscription.spanContext().spanId);
    });

    it("runs the subscriber's callbacks with the subscription's span active", () => {
      const sut = new Streams();
      const seen: (string | undefined)[] = [];

      sut.stream().subscribe({ next: () => seen.push(activeSpanId()), complete: () => seen.push(activeSpanId()) });
      sut.source.next(1); // emitted from the test, where no span is active
      sut.source.complete();

      const [span] = subscriptionSpans();
      expect(seen).toEqual([span.spanContext().spanId, span.spanContext().spanId]);
    });

    it('ends the span with the error before passing the same error on', () => {
      const sut = new Streams();
      const error = new Error('stream failed');
      let received: unknown;
      let endedWhenNotified = false;

      sut.stream().subscribe({
        error: (caught: unknown) => {
          received = caught;
          endedWhenNotified = subscriptionSpans().length === 1;
        },
      });
      sut.source.error(error);

      expect(received).toBe(error);
      expect(endedWhenNotified).toBe(true);
      expect(subscriptionSpans()[0].status).toEqual({ code: SpanStatusCode.ERROR, message: 'stream failed' });
    });

    it('ends the span on unsubscribe', () => {
      const sut = new Streams();

      const subscription = sut.stream().subscribe();
      sut.source.next(1);
      expect(subscriptionSpans()).toHaveLength(0);
      subscription.unsubscribe();

      expect(subscriptionSpans()).toHaveLength(1);
      expect(subscriptionSpans()[0].status.code).toBe(SpanStatusCode.UNSET);
      expect(sut.source.observed).toBe(false);
    });

    it('gives each subscription its own span', () => {
      const sut = new Streams();
      const stream = sut.stream();

      const first = stream.subscribe();
      const second = stream.subscribe();
      sut.source.complete();
      first.unsubscribe();
      second.unsubscribe();

      expect(sut.subscribeCalls).toBe(2);
      expect(startedCount('Streams.stream')).toBe(2);
      const ids = subscriptionSpans().map((span) => span.spanContext().spanId);
      expect(new Set(ids).size).toBe(2);
    });
  });

  describe('generators', () => {
    class Pages {
      cleanedUp = false;

      @Traced()
      async *pages(count: number): AsyncGenerator<{ page: number; activeSpan?: string }> {
        try {
          for (let page = 1; page <= count; page++) {
            await tick();
            yield { page, activeSpan: activeSpanId() };
          }
        } finally {
          this.cleanedUp = true;
        }
      }

      @Traced()
      async *failAfterFirst(error: Error): AsyncGenerator<number> {
        yield await Promise.resolve(1);
        throw error;
      }

      @Traced()
      *range(to: number): Generator<number> {
        for (let i = 1; i <= to; i++) yield i;
      }
    }

    it('covers the whole async iteration with one span, active in every step', async () => {
      const sut = new Pages();
      const seen: { page: number; activeSpan?: string }[] = [];

      const pages = sut.pages(3);
      expect(Object.prototype.toString.call(pages)).toBe('[object AsyncGenerator]');
      expect(startedCount('Pages.pages')).toBe(0);
      for await (const page of pages) {
        seen.push(page);
        expect(finished()).toHaveLength(0);
      }

      const span = onlySpan('Pages.pages');
      expect(seen.map(({ page }) => page)).toEqual([1, 2, 3]);
      expect(seen.every(({ activeSpan }) => activeSpan === span.spanContext().spanId)).toBe(true);
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
      expect(sut.cleanedUp).toBe(true);
    });

    it('ends the span when the consumer stops early', async () => {
      const sut = new Pages();

      for await (const { page } of sut.pages(5)) {
        if (page === 2) break;
      }

      expect(sut.cleanedUp).toBe(true);
      expect(onlySpan('Pages.pages').status.code).toBe(SpanStatusCode.UNSET);
    });

    it('records an error thrown during iteration and rethrows the same error', async () => {
      const sut = new Pages();
      const error = new Error('page 2 failed');
      const values: number[] = [];

      const iterate = async () => {
        for await (const value of sut.failAfterFirst(error)) values.push(value);
      };

      await expect(iterate()).rejects.toBe(error);
      expect(values).toEqual([1]);
      expect(onlySpan('Pages.failAfterFirst').status).toEqual({ code: SpanStatusCode.ERROR, message: 'page 2 failed' });
    });

    it('covers a sync generator until it is done', () => {
      const sut = new Pages();

      const range = sut.range(3);
      expect(range.next()).toEqual({ value: 1, done: false });
      expect(finished()).toHaveLength(0);

      expect([...range]).toEqual([2, 3]);
      expect(onlySpan('Pages.range').attributes[ATTR_CODE_FUNCTION_NAME]).toBe('Pages.range');
    });
  });

  describe('on a class', () => {
    @Traced({ attributes: { 'app.layer': 'service' } })
    class Service {
      private stored = 0;

      constructor() {
        this.stored = 1;
      }

      get value(): number {
        return this.stored;
      }

      set value(value: number) {
        this.stored = value;
      }

      plain(): number {
        return this.stored;
      }

      @Traced({ name: 'service.special' })
      special(): void {}

      static helper(): void {}
    }

    @Traced({ name: 'users' })
    class Repository {
      find(): void {}
    }

    it('traces every own prototype method with the class options', () => {
      const sut = new Service();

      expect(sut.plain()).toBe(1);

      expect(onlySpan('Service.plain').attributes).toEqual({
        [ATTR_CODE_FUNCTION_NAME]: 'Service.plain',
        'app.layer': 'service',
      });
    });

    it('leaves the constructor, accessors and static methods alone', () => {
      const sut = new Service();
      sut.value = 5;
      expect(sut.value).toBe(5);
      Service.helper();

      expect(startedCount()).toBe(0);
      expect(Service.prototype.constructor).toBe(Service);
      const accessor = Object.getOwnPropertyDescriptor(Service.prototype, 'value');
      expect(typeof accessor?.get).toBe('function');
      expect(typeof accessor?.set).toBe('function');
    });

    it('lets method-level @Traced() options win, without tracing twice', () => {
      new Service().special();

      expect(finished().map((span) => span.name)).toEqual(['service.special']);
      expect(onlySpan('service.special').attributes).not.toHaveProperty('app.layer');
    });

    it('uses a class-level name as the span name prefix', () => {
      new Repository().find();

      expect(onlySpan('users.find').attributes[ATTR_CODE_FUNCTION_NAME]).toBe('Repository.find');
    });
  });

  describe('metadata', () => {
    const Tag =
      (value: string): MethodDecorator =>
      (_target, _key, descriptor) => {
        // Where Nest's @Get(), @UseGuards() and friends store theirs: on the function itself.
        Reflect.defineMetadata('test:tag', value, descriptor.value as object);
      };

    class Decorated {
      @Traced()
      @Tag('applied before @Traced')
      tracedLast(id: string, count: number): string {
        return `${id}${count}`;
      }

      @Tag('applied after @Traced')
      @Traced()
      tracedFirst(id: string): string {
        return id;
      }
    }

    @Traced()
    class ClassLevel {
      @Tag('applied before the class decorator')
      handle(flag: boolean): boolean {
        return flag;
      }
    }

    it.each([
      ['@Traced() above', Decorated.prototype.tracedLast, 'applied before @Traced'],
      ['@Traced() below', Decorated.prototype.tracedFirst, 'applied after @Traced'],
      ['class-level @Traced()', ClassLevel.prototype.handle, 'applied before the class decorator'],
    ])('keeps metadata stored on the method with %s', (_order, method, expected) => {
      expect(Reflect.getMetadata('test:tag', method)).toBe(expected);
    });

    it('keeps TypeScript design metadata, which lives on the prototype and key', () => {
      expect(Reflect.getMetadata('design:paramtypes', Decorated.prototype, 'tracedLast')).toEqual([String, Number]);
      expect(Reflect.getMetadata('design:returntype', Decorated.prototype, 'tracedFirst')).toBe(String);
      expect(Reflect.getMetadata('design:paramtypes', ClassLevel.prototype, 'handle')).toEqual([Boolean]);
    });

    it('still traces whatever the order', () => {
      new Decorated().tracedLast('a', 1);
      new Decorated().tracedFirst('b');
      new ClassLevel().handle(true);

      expect(finished().map((span) => span.name)).toEqual([
        'Decorated.tracedLast',
        'Decorated.tracedFirst',
        'ClassLevel.handle',
      ]);
    });
  });
});
