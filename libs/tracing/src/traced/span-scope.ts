import { type Context, type Span, type SpanOptions, SpanStatusCode, context, trace } from '@opentelemetry/api';

/** The instrumentation scope of the template's own spans: @Traced() methods and the RPC client and server spans. */
export const TRACER_NAME = '@app/tracing';

/**
 * A started span plus the context in which it is active. A traced call can finish along several
 * paths at once (error, then unsubscribe; completion, then a late `return()`), so ending is
 * idempotent: every span ends exactly once, on whichever path gets there first.
 */
export class SpanScope {
  private readonly span: Span;
  private readonly context: Context;
  private ended = false;

  /** Starts a span as a child of whatever is active now. */
  constructor(name: string, options: SpanOptions) {
    // Looked up per span, not per class, so a provider registered after the class was defined
    // (or replaced in tests) is still the one used.
    this.span = trace.getTracer(TRACER_NAME).startSpan(name, options);
    this.context = trace.setSpan(context.active(), this.span);
  }

  /** Runs `fn` with this span active, so spans started inside it become its children. */
  run<T>(fn: () => T): T {
    return context.with(this.context, fn);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.span.end();
  }

  fail(error: unknown): void {
    if (!this.ended) {
      // Non-Error throwables (strings, plain objects) are recorded by their string form.
      this.span.recordException(error instanceof Error ? error : String(error));
      this.span.setStatus({
        code: SpanStatusCode.ERROR,
        message: error instanceof Error ? error.message : String(error),
      });
    }
    this.end();
  }
}
