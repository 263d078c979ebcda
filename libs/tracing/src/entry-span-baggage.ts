import { type Attributes, type Baggage, type Context, propagation } from '@opentelemetry/api';

/**
 * The baggage a request carries into a process, as attributes for the span where it enters (the gateway's HTTP
 * span, a service's SERVER or CONSUMER span), so a trace can be found by `app.request.id` or an allowlisted key.
 * Set where those spans start rather than by a span processor on every span: a processor in the pipeline would make
 * NodeSDK skip its own exporter set-up, and each span would pay a baggage read. The gateway is the edge: its baggage
 * holds only BAGGAGE_ALLOWLIST keys and `app.request.id` (requestContextMiddleware), and that is what services receive.
 */
export function baggageAttributes(baggage: Baggage | undefined): Attributes {
  const attributes: Attributes = {};
  for (const [key, entry] of baggage?.getAllEntries() ?? []) attributes[key] = entry.value;
  return attributes;
}

export function entrySpanBaggage(parent: Context): Attributes {
  return baggageAttributes(propagation.getBaggage(parent));
}
