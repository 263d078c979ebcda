// What the Grafana dashboard (docker/grafana/dashboards/red.json) asks Prometheus for: its PromQL queries, the metric
// and label names they reference, and the metrics the apps promise to export. Used by the specs next to it and by the
// end-to-end test that scrapes the running apps' /metrics (every name dashboardMetricNames() returns must be there).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const RED_DASHBOARD = join(__dirname, '..', '..', 'docker', 'grafana', 'dashboards', 'red.json');

type MetricContract = { type: 'histogram' | 'gauge' | 'counter'; labels: readonly string[] };

/**
 * The metrics the apps export on /metrics, in Prometheus form (OpenTelemetry semantic-convention names: dots become
 * underscores, the unit is appended, a histogram is `_bucket`/`_sum`/`_count`), with the labels each may carry besides
 * `job` and `instance`, which Prometheus adds. `error_type` is present only on failures.
 */
export const APP_METRICS = {
  http_server_request_duration: {
    type: 'histogram',
    labels: ['http_request_method', 'http_route', 'http_response_status_code'],
  },
  rpc_client_call_duration: { type: 'histogram', labels: ['rpc_system_name', 'rpc_method', 'error_type'] },
  rpc_server_call_duration: { type: 'histogram', labels: ['rpc_system_name', 'rpc_method', 'error_type'] },
  messaging_client_operation_duration: {
    type: 'histogram',
    labels: ['messaging_system_name', 'messaging_destination_name', 'messaging_operation_type', 'error_type'],
  },
  messaging_process_duration: {
    type: 'histogram',
    labels: ['messaging_system_name', 'messaging_destination_name', 'messaging_operation_type', 'error_type'],
  },
  db_client_operation_duration: { type: 'histogram', labels: ['db_system_name', 'db_operation_name'] },
  nodejs_eventloop_delay_p99: { type: 'gauge', labels: [] },
  v8js_memory_heap_used: { type: 'gauge', labels: ['v8js_heap_space_name'] },
  v8js_gc_duration: { type: 'histogram', labels: ['v8js_gc_type'] },
  // The SDK's own health (start-tracing.ts gives the batch processor and the exporter our meter provider): spans
  // processed and exported, with `error_type` (`queue_full`, or the export error's name) when they were dropped, and
  // the span queue's size and capacity. A counter keeps its `_total` suffix. Read by docker/prometheus/alerts.yml.
  otel_sdk_processor_span_processed_total: {
    type: 'counter',
    labels: ['otel_component_type', 'otel_component_name', 'error_type'],
  },
  otel_sdk_exporter_span_exported_total: {
    type: 'counter',
    labels: ['otel_component_type', 'otel_component_name', 'server_address', 'server_port', 'error_type'],
  },
  otel_sdk_processor_span_queue_size: { type: 'gauge', labels: ['otel_component_type', 'otel_component_name'] },
  otel_sdk_processor_span_queue_capacity: { type: 'gauge', labels: ['otel_component_type', 'otel_component_name'] },
} as const satisfies Record<string, MetricContract>;

/** Labels Prometheus puts on every scraped series, and the bucket bound of a histogram's `_bucket` series. */
export const SCRAPE_LABELS = ['job', 'instance'] as const;
export const HISTOGRAM_LABELS = ['le'] as const;

/** Series that are not the apps' own: Prometheus' per-target series and the Collector's (span metrics, telemetry). */
const NOT_FROM_THE_APPS = [
  /^up$/,
  /^scrape_/,
  /^ALERTS(_FOR_STATE)?$/,
  /^traces_span_metrics_/, // the Collector's spanmetrics connector
  /^otelcol_/, // the Collector's own telemetry
];

const HISTOGRAM_SERIES = /_(bucket|sum|count)$/;

/** The metric a series name belongs to: a histogram's `_bucket`, `_sum` and `_count` series are one metric. */
export function baseMetricName(series: string): string {
  return series.replace(HISTOGRAM_SERIES, '');
}

/** Whether a metric is one the apps export, as opposed to Prometheus' own or the Collector's. */
export function isAppMetric(metric: string): boolean {
  return !NOT_FROM_THE_APPS.some((pattern) => pattern.test(metric));
}

export type DashboardQuery = {
  /** Where the query is: `panel "<title>" <refId>` or `variable $<name>`. */
  source: string;
  expr: string;
};

type Target = { refId?: string; expr?: unknown; hide?: boolean };
type Panel = { title?: string; type?: string; targets?: Target[]; panels?: Panel[] };
type Variable = { name?: string; type?: string; query?: unknown; definition?: string };
export type Dashboard = { panels?: Panel[]; templating?: { list?: Variable[] } };

export function loadDashboard(path: string = RED_DASHBOARD): Dashboard {
  return JSON.parse(readFileSync(path, 'utf8')) as Dashboard;
}

/** Every panel, including those inside rows (a collapsed row keeps its panels in `panels`). */
export function dashboardPanels(dashboard: Dashboard): Panel[] {
  const all: Panel[] = [];
  const visit = (panels: Panel[] = []): void => {
    for (const panel of panels) {
      all.push(panel);
      visit(panel.panels);
    }
  };
  visit(dashboard.panels);
  return all;
}

/** Every PromQL expression the dashboard evaluates: the panels' targets and the query variables' queries. */
export function dashboardQueries(dashboard: Dashboard): DashboardQuery[] {
  const queries: DashboardQuery[] = [];
  for (const panel of dashboardPanels(dashboard)) {
    for (const target of panel.targets ?? []) {
      if (typeof target.expr === 'string' && target.expr.trim() !== '') {
        queries.push({ source: `panel "${panel.title ?? '?'}" ${target.refId ?? '?'}`, expr: target.expr });
      }
    }
  }
  for (const variable of dashboard.templating?.list ?? []) {
    if (variable.type !== 'query') continue;
    // Grafana stores a Prometheus variable's query as a string (older) or as {query: "..."}.
    const query =
      typeof variable.query === 'string'
        ? variable.query
        : typeof variable.query === 'object' && variable.query !== null && 'query' in variable.query
          ? String(variable.query.query)
          : (variable.definition ?? '');
    for (const expr of variableQueryExpressions(query)) {
      queries.push({ source: `variable $${variable.name ?? '?'}`, expr });
    }
  }
  return queries;
}

/**
 * The PromQL inside a Grafana Prometheus variable query: `label_values(<selector>, <label>)` → the selector;
 * `label_values(<label>)`, `label_names()` and `metrics(<regex>)` → none; `query_result(<expr>)` → the expression;
 * anything else is PromQL itself.
 */
export function variableQueryExpressions(query: string): string[] {
  const call = /^\s*(label_values|label_names|metrics|query_result)\s*\(([\s\S]*)\)\s*$/.exec(query);
  if (!call) return query.trim() === '' ? [] : [query];
  const [, fn, inner = ''] = call;
  if (fn === 'query_result') return [inner];
  if (fn === 'label_values') {
    const args = splitTopLevel(inner);
    return args.length >= 2 && args[0] ? [args[0]] : [];
  }
  return [];
}

export type PromqlReferences = {
  /** Metric names as written (histogram series keep their suffix), in order of appearance, without duplicates. */
  metrics: string[];
  /** Label names used in matchers and in by/without/on/ignoring/group_left/group_right, without duplicates. */
  labels: string[];
};

const AGGREGATIONS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'limitk',
  'limit_ratio',
]);
const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'atan2', 'inf', 'nan']);

type Token =
  | { kind: 'ident'; value: string }
  | { kind: 'matchers'; labels: string[] }
  | { kind: 'punct'; value: string }
  | { kind: 'other' };

/**
 * The metric and label names a PromQL expression references. A tokenizer, not a full parser: strings, ranges
 * (`[5m]`, `[$__rate_interval]`), numbers, durations and Grafana variables (`$job`, `${job}`) are skipped; an
 * identifier is a function or aggregation when `(` follows it (or it is an aggregation operator, whose `by (...)` may
 * come first), a keyword, or else a metric name.
 */
export function promqlReferences(expr: string): PromqlReferences {
  const tokens = tokenize(expr);
  const metrics = new Set<string>();
  const labels = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.kind === 'matchers') {
      token.labels.forEach((label) => labels.add(label));
      continue;
    }
    if (token.kind !== 'ident') continue;
    const word = token.value.toLowerCase();
    const next = tokens[i + 1];
    const opensParen = next?.kind === 'punct' && next.value === '(';
    if (GROUPING.has(word)) {
      if (!opensParen) continue;
      for (i += 2; i < tokens.length; i++) {
        const inner = tokens[i];
        if (inner.kind === 'punct' && inner.value === ')') break;
        if (inner.kind === 'ident') labels.add(inner.value);
      }
      continue;
    }
    if (word === 'offset') {
      // `offset 5m` or `offset -5m`: the duration is a number token, nothing to skip here.
      continue;
    }
    if (KEYWORDS.has(word) || AGGREGATIONS.has(word) || opensParen) continue;
    metrics.add(token.value);
  }
  return { metrics: [...metrics], labels: [...labels] };
}

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#') {
      while (i < expr.length && expr[i] !== '\n') i++;
    } else if (c === '"' || c === "'" || c === '`') {
      i = skipString(expr, i);
      tokens.push({ kind: 'other' });
    } else if (c === '{') {
      const end = findClosing(expr, i, '{', '}');
      tokens.push({ kind: 'matchers', labels: matcherLabels(expr.slice(i + 1, end)) });
      i = end + 1;
    } else if (c === '[') {
      i = findClosing(expr, i, '[', ']') + 1;
      tokens.push({ kind: 'other' });
    } else if (c === '$') {
      // A Grafana variable: ${name...} or $name.
      i =
        expr[i + 1] === '{'
          ? findClosing(expr, i + 1, '{', '}') + 1
          : i + 1 + /^\w*/.exec(expr.slice(i + 1))![0].length;
      tokens.push({ kind: 'other' });
    } else if (/[0-9.]/.test(c)) {
      // Numbers, hex, exponents and durations (5m, 1h30m, 500ms).
      i += /^(0x[0-9a-fA-F]+|[0-9]*\.?[0-9]+(e[+-]?[0-9]+)?([a-zA-Z]+[0-9]*)*)/i.exec(expr.slice(i))?.[0].length || 1;
      tokens.push({ kind: 'other' });
    } else if (/[a-zA-Z_:]/.test(c)) {
      const word = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(expr.slice(i))![0];
      tokens.push({ kind: 'ident', value: word });
      i += word.length;
    } else {
      tokens.push({ kind: 'punct', value: c });
      i++;
    }
  }
  return tokens;
}

/** Label names of a matcher list (`job=~"$job", le!=""`); a quoted name (UTF-8 syntax) counts as well. */
function matcherLabels(inner: string): string[] {
  return splitTopLevel(inner)
    .map((matcher) => /^\s*(?:"([^"]+)"|([a-zA-Z_][a-zA-Z0-9_]*))\s*(=~|!~|!=|=)/.exec(matcher))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => match[1] ?? match[2]);
}

/** Index just past a quoted string starting at `start` (backslash escapes, except in backquoted raw strings). */
function skipString(text: string, start: number): number {
  const quote = text[start];
  let i = start + 1;
  while (i < text.length && text[i] !== quote) i += text[i] === '\\' && quote !== '`' ? 2 : 1;
  return i + 1;
}

/** Index of the bracket that closes the one at `start`, skipping strings and nested pairs; the end when unclosed. */
function findClosing(text: string, start: number, open: string, close: string): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') i = skipString(text, i) - 1;
    else if (c === open) depth++;
    else if (c === close && --depth === 0) return i;
  }
  return text.length;
}

/** Splits on commas that are outside strings, parentheses, braces and brackets; trims each part. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') i = skipString(text, i) - 1;
    else if (c === '(' || c === '{' || c === '[') depth++;
    else if (c === ')' || c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(from, i).trim());
      from = i + 1;
    }
  }
  const last = text.slice(from).trim();
  if (last !== '') parts.push(last);
  return parts;
}

/**
 * Every distinct metric the dashboard's queries read from the apps, as base names (a histogram's `_bucket`, `_sum`
 * and `_count` series count once, as the histogram), sorted. Prometheus' own series (`up`, `scrape_*`) and the
 * Collector's (`traces_span_metrics_*`, `otelcol_*`) are left out: the apps do not export those.
 */
export function dashboardMetricNames(path: string = RED_DASHBOARD): string[] {
  return appMetricNames(dashboardQueries(loadDashboard(path)).map(({ expr }) => expr));
}

/** The distinct metrics a set of PromQL expressions reads from the apps, as base names, sorted. */
export function appMetricNames(exprs: readonly string[]): string[] {
  const names = new Set<string>();
  for (const expr of exprs) {
    for (const series of promqlReferences(expr).metrics) {
      const metric = baseMetricName(series);
      if (isAppMetric(metric)) names.add(metric);
    }
  }
  return [...names].sort();
}
