import { REDACTED, isSensitiveHeaderAttribute, redactQuery, redactUrl } from '@app/redaction';
import type { Attributes } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';

/** Attributes that hold a whole URL or a path with its query (current and older HTTP semantic conventions). */
const URL_ATTRIBUTES = new Set(['url.full', 'http.url', 'http.target']);
const QUERY_ATTRIBUTES = new Set(['url.query']);

/**
 * Takes credentials out of span attributes on their way to the backend (OTLP or the console alike).
 * @opentelemetry/instrumentation-http redacts only a few signed-URL parameters, by exact name, in `url.query` and
 * `url.full`; @app/redaction matches names by pattern (`x-auth-token`, `sessionid`, `jwt`…) without regard to case,
 * brackets or percent-encoding, strips URL userinfo, and also
 * covers what other instrumentations (undici's `url.full`) or a user's spans record, so `?access_token=…` never
 * leaves the process. Done in the exporter path, not in a span processor, so NodeSDK still builds the batch
 * processor from OTEL_BSP_* (it does so only when given a `traceExporter`, not `spanProcessors`).
 */
export class RedactingSpanExporter implements SpanExporter {
  constructor(private readonly exporter: SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.exporter.export(spans.map(redacted), resultCallback);
  }

  forceFlush(): Promise<void> {
    return this.exporter.forceFlush?.() ?? Promise.resolve();
  }

  shutdown(): Promise<void> {
    return this.exporter.shutdown();
  }
}

/** The span itself when it holds nothing to redact (the common case: no copy), otherwise a view with new attributes. */
function redacted(span: ReadableSpan): ReadableSpan {
  let attributes: Attributes | undefined;
  for (const key in span.attributes) {
    const value = span.attributes[key];
    const replacement = isSensitiveHeaderAttribute(key)
      ? REDACTED
      : typeof value !== 'string'
        ? value
        : URL_ATTRIBUTES.has(key)
          ? redactUrl(value)
          : QUERY_ATTRIBUTES.has(key)
            ? redactQuery(value)
            : value;
    if (replacement === value) continue;
    attributes ??= { ...span.attributes };
    attributes[key] = replacement;
  }
  if (!attributes) return span;
  // Everything else, spanContext() included, is read through the prototype from the span the SDK finished.
  return Object.assign(Object.create(span) as ReadableSpan, { attributes });
}
