import { REDACTED, isSensitiveHeaderAttribute, redactQuery, redactUrl } from '@app/redaction';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';

/** Attributes that hold a whole URL or a path with its query (current and older HTTP semantic conventions). */
const URL_ATTRIBUTES = ['url.full', 'http.url', 'http.target'];
const QUERY_ATTRIBUTES = ['url.query'];
const WATCHED_ATTRIBUTES = new Set([...URL_ATTRIBUTES, ...QUERY_ATTRIBUTES]);

/**
 * Takes credentials out of span attributes before export. @opentelemetry/instrumentation-http redacts only a few
 * signed-URL parameters, by exact name, in `url.query` and `url.full`; @app/redaction matches names by pattern
 * (`x-auth-token`, `sessionid`, `jwt`…) without regard to case, brackets or percent-encoding, strips URL userinfo,
 * and also covers what other instrumentations (or a user's spans) record, so `?access_token=…` never reaches the
 * tracing backend.
 * Runs when a span starts (attributes given to startSpan) and again when it is ending (attributes set later);
 * `onEnding` is still experimental in the SDK, hence both.
 */
export class RedactingSpanProcessor implements SpanProcessor {
  onStart(span: Span): void {
    redactAttributes(span);
  }

  onEnding(span: Span): void {
    redactAttributes(span);
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function redactAttributes(span: Span): void {
  // Runs twice for every span: a `for…in` over the keys with one Set lookup each allocates nothing for the common
  // span that holds none of these attributes.
  const attributes = span.attributes;
  for (const key in attributes) {
    if (isSensitiveHeaderAttribute(key)) {
      span.setAttribute(key, REDACTED);
      continue;
    }
    if (!WATCHED_ATTRIBUTES.has(key)) continue;
    const value = attributes[key];
    if (typeof value === 'string') {
      span.setAttribute(key, QUERY_ATTRIBUTES.includes(key) ? redactQuery(value) : redactUrl(value));
    }
  }
}
