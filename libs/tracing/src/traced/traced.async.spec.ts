import { SpanStatusCode, trace } from '@opentelemetry/api';
import { type ReadableSpan } from '@opentelemetry/sdk-trace';
import { ATTR_CODE_FUNCTION_NAME } from '@opentelemetry/semantic-conventions';
import { Observable, Subject, lastValueFrom } from 'rxjs';
import { useTestTracing } from '../testing/test-tracing';
import { Traced } from './traced.decorator';

// @Traced() on methods whose result outlives the call: the span lasts until the promise, Observable or generator is done.
const activeSpanId = (): string | undefined => trace.getActiveSpan()?.spanContext().spanId;
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe(Traced.name, () => {
  const { finished, onlySpan, startedCount } = useTestTracing();

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
});
