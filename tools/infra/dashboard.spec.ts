import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dashboardMetricNames, promqlReferences, variableQueryExpressions } from './dashboard';

describe('promqlReferences', () => {
  it('finds metrics and labels past functions, aggregations, ranges, strings and Grafana variables', () => {
    const expr =
      'histogram_quantile(0.99, sum by (job, le) (rate(rpc_server_call_duration_bucket{job=~"$job", ' +
      'rpc_method=~"${rpc_method}"}[$__rate_interval])))';
    expect(promqlReferences(expr)).toEqual({
      metrics: ['rpc_server_call_duration_bucket'],
      labels: ['job', 'le', 'rpc_method'],
    });
  });

  it('handles binary operators, `or`, vector matching and trailing grouping', () => {
    const expr =
      '(sum(rate(a_count{error_type!=""}[5m])) by (job) or 0 * sum by (job) (rate(a_count[1h30m]))) ' +
      '/ on (job) group_left(version) b_info offset 5m > bool 0.5';
    expect(promqlReferences(expr)).toEqual({
      metrics: ['a_count', 'b_info'],
      labels: ['error_type', 'job', 'version'],
    });
  });

  it('takes a bare metric, a metric with matchers and a recording-rule name; not keywords or literals', () => {
    expect(promqlReferences('up').metrics).toEqual(['up']);
    expect(promqlReferences('job:requests:rate5m{job="x"} * 1e3 + inf').metrics).toEqual(['job:requests:rate5m']);
    expect(promqlReferences('vector(1) and time() > 0x10').metrics).toEqual([]);
    expect(promqlReferences('max by (job) (x) unless topk(3, y)')).toEqual({ metrics: ['x', 'y'], labels: ['job'] });
  });

  it('ignores braces and commas inside strings', () => {
    expect(promqlReferences('m{route=~"/a/{id},b", "quoted.label"="v"}')).toEqual({
      metrics: ['m'],
      labels: ['route', 'quoted.label'],
    });
  });
});

describe('variableQueryExpressions', () => {
  it('extracts the PromQL of Grafana variable queries', () => {
    expect(variableQueryExpressions('label_values(m_count{job=~"$job", a="b,c"}, route)')).toEqual([
      'm_count{job=~"$job", a="b,c"}',
    ]);
    expect(variableQueryExpressions('label_values(job)')).toEqual([]);
    expect(variableQueryExpressions('label_names()')).toEqual([]);
    expect(variableQueryExpressions('query_result(topk(5, sum by (x) (m)))')).toEqual(['topk(5, sum by (x) (m))']);
    expect(variableQueryExpressions('sum(m)')).toEqual(['sum(m)']);
  });
});

describe('dashboardMetricNames', () => {
  it('lists exactly the metrics the apps export for the RED dashboard', () => {
    // The contract with the apps' /metrics, which the end-to-end test scrapes after real traffic.
    expect(dashboardMetricNames()).toEqual([
      'db_client_operation_duration',
      'http_server_request_duration',
      'messaging_client_operation_duration',
      'messaging_process_duration',
      'nodejs_eventloop_delay_p99',
      'rpc_client_call_duration',
      'rpc_server_call_duration',
      'v8js_gc_duration',
      'v8js_memory_heap_used',
    ]);
  });

  it('reads collapsed rows and variables, folds histogram series, and leaves out Prometheus’ and the Collector’s', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dashboard-'));
    const path = join(dir, 'fixture.json');
    const target = (expr: string) => ({ refId: 'A', expr });
    writeFileSync(
      path,
      JSON.stringify({
        panels: [
          { type: 'timeseries', targets: [target('sum(rate(b_seconds_count[5m])) / sum(rate(b_seconds_sum[5m]))')] },
          {
            type: 'row',
            collapsed: true,
            panels: [{ type: 'timeseries', targets: [target('histogram_quantile(0.5, rate(a_seconds_bucket[1m]))')] }],
          },
          { type: 'stat', targets: [target('up'), target('rate(traces_span_metrics_calls_total[1m])'), target('')] },
          { type: 'timeseries', targets: [target('otelcol_exporter_sent_spans_total + scrape_duration_seconds')] },
        ],
        templating: {
          list: [
            { name: 'v', type: 'query', query: { query: 'label_values(c_bytes{x="y"}, label)' } },
            { name: 'w', type: 'query', query: 'label_values(d_total, label)' },
            { name: 't', type: 'textbox', query: 'not_a_query' },
          ],
        },
      }),
    );
    try {
      expect(dashboardMetricNames(path)).toEqual(['a_seconds', 'b_seconds', 'c_bytes', 'd_total']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
