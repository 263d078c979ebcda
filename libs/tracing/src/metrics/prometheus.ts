import type { IncomingMessage, ServerResponse } from 'node:http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';

/**
 * The OpenTelemetry metrics SDK with its Prometheus exporter, served from each app's own HTTP port (`GET /metrics`,
 * see MetricsController) rather than from a second port the exporter would open: one port per app to scrape.
 */
export const prometheusExporter = new PrometheusExporter({ preventServerStart: true });

export function serveMetrics(request: IncomingMessage, response: ServerResponse): void {
  prometheusExporter.getMetricsRequestHandler(request, response);
}
