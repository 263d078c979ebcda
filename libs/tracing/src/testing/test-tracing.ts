import { SpanKind, context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type Span,
  type SpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';

interface Waiter {
  matches: (span: ReadableSpan) => boolean;
  resolve: (span: ReadableSpan) => void;
}

/**
 * Records how often end() is called on each span, and wakes up tests waiting for a span to end.
 * The SDK ignores a second end() (it only logs), so counting onEnd would never see a double end; wrapping end() itself does.
 */
class SpanRecorder implements SpanProcessor {
  readonly started: Span[] = [];
  readonly endCalls = new Map<Span, number>();
  private readonly waiters = new Set<Waiter>();

  onStart(span: Span): void {
    this.started.push(span);
    this.endCalls.set(span, 0);
    const end = span.end.bind(span);
    span.end = (endTime) => {
      this.endCalls.set(span, (this.endCalls.get(span) ?? 0) + 1);
      end(endTime);
    };
  }

  onEnd(span: ReadableSpan): void {
    for (const waiter of this.waiters) {
      if (!waiter.matches(span)) continue;
      this.waiters.delete(waiter);
      waiter.resolve(span);
    }
  }

  waitFor(matches: (span: ReadableSpan) => boolean): Promise<ReadableSpan> {
    return new Promise((resolve) => this.waiters.add({ matches, resolve }));
  }

  reset(): void {
    this.started.length = 0;
    this.endCalls.clear();
    this.waiters.clear();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export interface TestTracing {
  readonly provider: TracerProvider;
  readonly exporter: InMemorySpanExporter;
  /** Finished spans in the order they ended, optionally only those with this name. */
  finished(name?: string): ReadableSpan[];
  /** The one finished span with this name (and kind); fails the test unless there is exactly one. */
  onlySpan(name: string, kind?: SpanKind): ReadableSpan;
  /** How many spans (with this name) were started in this test, ended or not. */
  startedCount(name?: string): number;
  /** Resolves with the first span with this name (and kind) to end in this test, whether it already has or not. */
  ended(name: string, kind?: SpanKind): Promise<ReadableSpan>;
}

/**
 * Registers a real SDK tracer provider with an in-memory exporter, the AsyncLocalStorage context manager and the
 * W3C trace-context and baggage propagators for the enclosing `describe`, and checks after every test that each
 * span started in it was ended exactly once. Call it inside `describe`, before other hooks that create spans.
 */
export function useTestTracing(): TestTracing {
  const exporter = new InMemorySpanExporter();
  const recorder = new SpanRecorder();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter }), recorder] });

  const matching = (name: string, kind?: SpanKind) => (span: ReadableSpan) =>
    span.name === name && (kind === undefined || span.kind === kind);
  const finished = (name?: string): ReadableSpan[] =>
    exporter.getFinishedSpans().filter((span) => name === undefined || span.name === name);

  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(provider);
    propagation.setGlobalPropagator(
      new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
    );
  });

  afterEach(() => {
    const endCalls = [...recorder.endCalls].map(([span, calls]) => ({ span: span.name, endCalls: calls }));
    recorder.reset();
    exporter.reset();
    expect(endCalls).toEqual(endCalls.map(({ span }) => ({ span, endCalls: 1 })));
  });

  afterAll(async () => {
    trace.disable();
    context.disable();
    propagation.disable();
    await provider.shutdown();
  });

  return {
    provider,
    exporter,
    finished,
    onlySpan: (name, kind) => {
      const spans = exporter.getFinishedSpans().filter(matching(name, kind));
      expect(spans.map((span) => span.name)).toEqual([name]);
      return spans[0];
    },
    startedCount: (name) => recorder.started.filter((span) => name === undefined || span.name === name).length,
    ended: (name, kind) => {
      const done = exporter.getFinishedSpans().find(matching(name, kind));
      return done ? Promise.resolve(done) : recorder.waitFor(matching(name, kind));
    },
  };
}
