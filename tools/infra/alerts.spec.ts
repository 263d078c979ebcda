// docker/prometheus/alerts.yml reads only metrics and labels that exist, and Prometheus is given it: an alert on a
// metric that was renamed never fires, and nothing else would tell. The apps' metrics are checked against their contract
// here (APP_METRICS) and against a real scrape in test/order-flow.e2e-spec.ts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALERT_RULES, alertMetricNames, alertRules, loadAlertRules } from './alerts';
import {
  APP_METRICS,
  HISTOGRAM_LABELS,
  SCRAPE_LABELS,
  baseMetricName,
  isAppMetric,
  promqlReferences,
} from './dashboard';
import { PROMETHEUS_CONFIG, loadCompose, mountedAt, readYaml } from './stack';

/**
 * The Collector's own metrics the rules read, with their labels. Taken from the Collector's internal-telemetry
 * documentation (counters keep `_total`); no Collector runs here, so these two names are the one part not checked
 * against a real scrape.
 */
const COLLECTOR_METRICS: Record<string, readonly string[]> = {
  otelcol_receiver_refused_spans_total: ['receiver', 'transport'],
  otelcol_exporter_send_failed_spans_total: ['exporter'],
};
/** Prometheus' own per-target series. */
const PROMETHEUS_METRICS: Record<string, readonly string[]> = { up: [] };

const rules = alertRules();

function labelsOf(metric: string): readonly string[] | undefined {
  if (isAppMetric(metric)) return (APP_METRICS as Record<string, { labels: readonly string[] }>)[metric]?.labels;
  return COLLECTOR_METRICS[metric] ?? PROMETHEUS_METRICS[metric];
}

describe('the alerting rules', () => {
  it('are alerts with a unique name, a duration, a severity and a summary', () => {
    expect(rules.length).toBeGreaterThan(0);
    const names = rules.map((rule) => rule.alert);
    expect(new Set(names).size).toBe(names.length);
    for (const rule of rules) {
      expect({ alert: rule.alert, expr: typeof rule.expr }).toEqual({ alert: expect.any(String), expr: 'string' });
      expect({ alert: rule.alert, for: rule.for }).toEqual({
        alert: rule.alert,
        for: expect.stringMatching(/^\d+[smh]$/),
      });
      expect({ alert: rule.alert, severity: rule.labels?.severity }).toEqual({
        alert: rule.alert,
        severity: expect.stringMatching(/^(critical|warning)$/),
      });
      expect(rule.annotations?.summary).toEqual(expect.any(String));
    }
  });

  it('read only metrics that exist, with the right series of each', () => {
    for (const rule of rules) {
      for (const series of promqlReferences(rule.expr).metrics) {
        const metric = baseMetricName(series);
        const context = { alert: rule.alert, series };
        expect({ ...context, known: labelsOf(metric) !== undefined }).toEqual({ ...context, known: true });
        const contract = (APP_METRICS as Record<string, { type: string }>)[metric];
        if (contract) {
          // A histogram is read through its _bucket, _sum or _count series; a gauge or counter by its name.
          expect({ ...context, histogramSeries: series !== metric }).toEqual({
            ...context,
            histogramSeries: contract.type === 'histogram',
          });
        }
      }
    }
  });

  it('use only labels the metrics they read carry', () => {
    for (const rule of rules) {
      const { metrics, labels } = promqlReferences(rule.expr);
      const carried = new Set<string>([
        ...SCRAPE_LABELS,
        ...HISTOGRAM_LABELS,
        ...metrics.flatMap((series) => labelsOf(baseMetricName(series)) ?? []),
      ]);
      for (const label of labels) {
        expect({ alert: rule.alert, label, carried: carried.has(label) }).toEqual({
          alert: rule.alert,
          label,
          carried: true,
        });
      }
    }
  });

  it('cover the RED metrics, the span pipeline and the runtime', () => {
    expect(alertMetricNames()).toEqual([
      'db_client_operation_duration',
      'http_server_request_duration',
      'messaging_client_operation_duration',
      'messaging_process_duration',
      'nodejs_eventloop_delay_p99',
      'otel_sdk_exporter_span_exported_total',
      'otel_sdk_processor_span_processed_total',
      'otel_sdk_processor_span_queue_capacity',
      'otel_sdk_processor_span_queue_size',
      'rpc_client_call_duration',
      'rpc_server_call_duration',
    ]);
  });

  it('are loaded by Prometheus: listed in rule_files, at the path compose mounts this file', () => {
    const config = readYaml<{ rule_files?: string[] }>(PROMETHEUS_CONFIG);
    const prometheus = loadCompose().services.prometheus;
    const mounted = (config.rule_files ?? []).map((path) => mountedAt(prometheus, path));
    expect(mounted).toContain(ALERT_RULES);
  });

  it('would fail on a metric the apps do not export', () => {
    const dir = mkdtempSync(join(tmpdir(), 'alerts-'));
    const path = join(dir, 'alerts.yml');
    writeFileSync(
      path,
      'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: rate(rpc_client_calls_total[5m]) > 0\n',
    );
    try {
      const [metric] = alertMetricNames(path);
      expect(metric).toBe('rpc_client_calls_total');
      expect(labelsOf(metric)).toBeUndefined();
      expect(loadAlertRules(path).groups[0].rules[0].alert).toBe('A');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
