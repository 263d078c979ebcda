import { diag } from '@opentelemetry/api';
import { ErrorHandler, ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';

/** Where outage messages go: the app's logger once it exists (see TracingModule), OpenTelemetry's diag until then. */
export interface OutageLogger {
  warn(message: string): unknown;
  log(message: string): unknown;
}

let logger: OutageLogger = { warn: (message) => diag.warn(message), log: (message) => diag.info(message) };

export function reportExportOutagesTo(appLogger: OutageLogger): void {
  logger = appLogger;
}

/**
 * Wraps the span exporter so that a telemetry backend that refuses, hangs or answers 429/5xx is reported once when it
 * starts and once when it ends, in the app's own log. Written here because the SDK has no such thing: it hands every
 * failed batch to the global error handler (a line per batch, or nothing without OTEL_LOG_LEVEL) and reports a full
 * queue only at debug level. The counts are the SDK's own metrics: otel.sdk.processor.span.processed and
 * otel.sdk.exporter.span.exported, by error.type.
 */
export class ExportOutageReporter implements SpanExporter {
  private failedBatches = 0;
  private failedSpans = 0;
  private made?: SpanExporter;

  /**
   * `createExporter` runs on first use, after NodeSDK.start() registered its meter provider: an exporter counts what
   * it exports (otel.sdk.exporter.span.exported) with the meter provider it was built with.
   */
  constructor(private readonly createExporter: () => SpanExporter) {}

  private get exporter(): SpanExporter {
    this.made ??= this.createExporter();
    return this.made;
  }

  /** For setGlobalErrorHandler: the batch processor repeats each failed export there; during an outage, ignore it. */
  readonly errorHandler: ErrorHandler = (error) => {
    if (this.failedBatches > 0) return;
    logger.warn(`OpenTelemetry error: ${describe(error)}`);
  };

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.exporter.export(spans, (result) => {
      if (result.code === ExportResultCode.SUCCESS) this.succeeded();
      else this.failed(spans.length, result.error);
      resultCallback(result);
    });
  }

  forceFlush(): Promise<void> {
    return this.made?.forceFlush?.() ?? Promise.resolve();
  }

  shutdown(): Promise<void> {
    return this.made?.shutdown() ?? Promise.resolve();
  }

  private failed(spanCount: number, error: unknown): void {
    if (this.failedBatches === 0) {
      logger.warn(
        `span export failing (${describe(error)}); spans are dropped, not queued without bound, until the ` +
          'telemetry backend answers again (counted in otel_sdk_processor_span_processed_total by error_type)',
      );
    }
    this.failedBatches++;
    this.failedSpans += spanCount;
  }

  private succeeded(): void {
    if (this.failedBatches === 0) return;
    logger.log(
      `span export recovered after ${this.failedBatches} failed batches (${this.failedSpans} spans not delivered)`,
    );
    this.failedBatches = 0;
    this.failedSpans = 0;
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // Node's fetch and http errors keep the useful part (ECONNREFUSED 127.0.0.1:4318) in their cause.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
