import { type Context, propagation, trace } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';

/**
 * Copies baggage entries to span attributes, as @opentelemetry/baggage-span-processor does, but only on the spans
 * where a request enters a process: a span with no parent or a parent from another process (a SERVER or CONSUMER
 * span, the gateway's HTTP span). Those are enough to find a trace by `app.request.id` or an allowlisted key, and its
 * logs carry the baggage anyway. Copying it to every span too cost each span a baggage read and an attribute per key
 * (the largest single item of @opentelemetry/api in the user service's CPU profile; see bench/results).
 *
 * Written out rather than wrapping @opentelemetry/baggage-span-processor: its copy loop is these few lines, and that
 * package pins a second SDK 2.x whose @opentelemetry/api peer conflicts with ours (an ERESOLVE warning on `npm ci`).
 */
export class EntrySpanBaggageProcessor implements SpanProcessor {
  constructor(private readonly keyPredicate: (key: string) => boolean) {}

  onStart(span: Span, parentContext: Context): void {
    const parent = trace.getSpanContext(parentContext);
    // The SDK leaves isRemote unset on its own spans; propagators set it on contexts they extract.
    if (parent && !parent.isRemote) return;
    const baggage = propagation.getBaggage(parentContext);
    if (!baggage) return;
    for (const [key, entry] of baggage.getAllEntries()) {
      if (this.keyPredicate(key)) span.setAttribute(key, entry.value);
    }
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
