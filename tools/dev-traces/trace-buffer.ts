// The traces in progress in the dev receiver, until each goes quiet. Bounded, so a flood of spans costs a count, not
// memory: a new trace that does not fit is dropped whole (the ones in progress stay complete), and a trace keeps at
// most maxSpansPerTrace spans. Time is passed in, so unit specs need no clock.

export interface TraceBufferLimits {
  /** A trace is complete when no span of it arrived for this long. */
  quietMs: number;
  maxTraces: number;
  maxSpansPerTrace: number;
}

export interface CompletedTrace<S> {
  traceId: string;
  spans: S[];
  /** Spans of this trace past maxSpansPerTrace. */
  droppedSpans: number;
}

export class TraceBuffer<S extends { traceId: string }> {
  /** Spans dropped because maxTraces traces were already in progress. */
  droppedSpans = 0;
  private readonly limits: TraceBufferLimits;
  private readonly inProgress = new Map<string, CompletedTrace<S> & { lastSpanAt: number }>();

  constructor(limits: TraceBufferLimits) {
    this.limits = limits;
  }

  add(spans: readonly S[], now: number): void {
    for (const span of spans) {
      let trace = this.inProgress.get(span.traceId);
      if (!trace) {
        if (this.inProgress.size >= this.limits.maxTraces) {
          this.droppedSpans++;
          continue;
        }
        trace = { traceId: span.traceId, spans: [], droppedSpans: 0, lastSpanAt: now };
        this.inProgress.set(span.traceId, trace);
      }
      trace.lastSpanAt = now;
      if (trace.spans.length < this.limits.maxSpansPerTrace) trace.spans.push(span);
      else trace.droppedSpans++;
    }
  }

  /** Removes and returns the traces with no new span for quietMs, oldest first (every trace when now is Infinity). */
  takeQuiet(now: number): CompletedTrace<S>[] {
    const quiet = [...this.inProgress.values()].filter((trace) => now - trace.lastSpanAt >= this.limits.quietMs);
    for (const { traceId } of quiet) this.inProgress.delete(traceId);
    return quiet.map(({ traceId, spans, droppedSpans }) => ({ traceId, spans, droppedSpans }));
  }
}
