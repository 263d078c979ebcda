import { type Context, trace } from '@opentelemetry/api';
import { BaggageSpanProcessor } from '@opentelemetry/baggage-span-processor';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';

/**
 * Copies baggage entries to span attributes, as @opentelemetry/baggage-span-processor does, but only on the spans
 * where a request enters a process: a span with no parent or a parent from another process (a SERVER or CONSUMER
 * span, the gateway's HTTP span). Those are enough to find a trace by `app.request.id` or an allowlisted key, and its
 * logs carry the baggage anyway. Copying it to every span too cost each span a baggage read and an attribute per key
 * (the largest single item of @opentelemetry/api in the user service's CPU profile; see bench/results).
 */
export class EntrySpanBaggageProcessor implements SpanProcessor {
  private readonly copyBaggage: BaggageSpanProcessor;

  constructor(keyPredicate: (key: string) => boolean) {
    this.copyBaggage = new BaggageSpanProcessor(keyPredicate);
  }

  onStart(span: Span, parentContext: Context): void {
    const parent = trace.getSpanContext(parentContext);
    // The SDK leaves isRemote unset on its own spans; propagators set it on contexts they extract.
    if (parent && !parent.isRemote) return;
    this.copyBaggage.onStart(span, parentContext);
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
