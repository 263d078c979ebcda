// What `npm run test:prometheus` (prometheus.live-spec.ts) feeds a real Prometheus: the stack's scrape config pointed
// at local targets, and the queries of the Grafana dashboards and of the promtool rule tests, read as data. PromQL
// itself is left to Prometheus.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ROOT } from './stack-files';

const DASHBOARDS = join(ROOT, 'docker', 'grafana', 'dashboards');
const PROMETHEUS_DIR = join(ROOT, 'docker', 'prometheus');

type ScrapeJob = { job_name: string; static_configs?: { targets: string[] }[]; fallback_scrape_protocol?: string };
type PrometheusConfig = { rule_files?: string[]; scrape_configs: ScrapeJob[] };

/**
 * docker/prometheus/prometheus.yml with only the targets changed: each app's job scrapes the local app (`targets` maps
 * a compose service to host:port), other jobs (the Collector's) an address where nothing listens. It also drops
 * `fallback_scrape_protocol`, the one Prometheus 3 field that Debian's Prometheus 2.42 rejects, and loads alerts.yml.
 */
export function scrapeConfig(targets: Record<string, string>, nowhere: string): string {
  const config = parse(readFileSync(join(PROMETHEUS_DIR, 'prometheus.yml'), 'utf8')) as PrometheusConfig;
  config.rule_files = [join(PROMETHEUS_DIR, 'alerts.yml')];
  for (const job of config.scrape_configs) {
    delete job.fallback_scrape_protocol;
    for (const group of job.static_configs ?? []) {
      group.targets = group.targets.map((target) => targets[target.split(':')[0] ?? ''] ?? nowhere);
    }
  }
  return stringify(config);
}

type Link = { url: string };
type Panel = {
  title?: string;
  panels?: Panel[];
  targets?: { refId: string; expr?: string }[];
  fieldConfig?: {
    defaults?: { links?: Link[] };
    overrides?: { matcher: { id: string; options: string }; properties: { id: string; value: unknown }[] }[];
  };
};
type Variable = { name: string; type: string; allValue?: string; query?: string | { query?: string } };
type Dashboard = { panels?: Panel[]; templating?: { list?: Variable[] } };

export function dashboardFiles(): string[] {
  return readdirSync(DASHBOARDS)
    .filter((file) => file.endsWith('.json'))
    .map((file) => join(DASHBOARDS, file));
}

const load = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Dashboard;
const allPanels = (panels: Panel[] = []): Panel[] => panels.flatMap((panel) => [panel, ...allPanels(panel.panels)]);

/** Grafana's built-in interval variables, at the values a 10 s scrape interval gives them, and match-all for the rest. */
function substitute(expr: string, dashboard: Dashboard): string {
  const builtIn: Record<string, string> = { __rate_interval: '1m', __interval: '10s', __range: '5m' };
  const allValue = (name: string) =>
    builtIn[name] ?? dashboard.templating?.list?.find((variable) => variable.name === name)?.allValue ?? '.*';
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g, (_match, a?: string, b?: string, c?: string) =>
    allValue((a ?? b ?? c)!),
  );
}

export type PanelQuery = { source: string; expr: string; linkLabels: string[] };

/** Every panel target's PromQL with the variables set to match-all, and the series labels its links fill in. */
export function panelQueries(file: string): PanelQuery[] {
  const dashboard = load(file);
  return allPanels(dashboard.panels).flatMap((panel) =>
    (panel.targets ?? [])
      .filter((target) => target.expr)
      .map((target) => {
        const override = panel.fieldConfig?.overrides?.find(
          (each) => each.matcher.id === 'byFrameRefID' && each.matcher.options === target.refId,
        );
        const links =
          (override?.properties.find((property) => property.id === 'links')?.value as Link[] | undefined) ??
          panel.fieldConfig?.defaults?.links ??
          [];
        const linkLabels = [
          ...new Set(links.flatMap((link) => [...link.url.matchAll(/\$\{__field\.labels\.(\w+)/g)].map((m) => m[1]))),
        ];
        return {
          source: `panel "${panel.title}" ${target.refId}`,
          expr: substitute(target.expr!, dashboard),
          linkLabels,
        };
      }),
  );
}

/** The dashboard's `label_values(<selector>, <label>)` variables, with their own variables set to match-all. */
export function variableQueries(file: string): { name: string; match: string; label: string }[] {
  const dashboard = load(file);
  return (dashboard.templating?.list ?? []).flatMap((variable) => {
    const query = typeof variable.query === 'string' ? variable.query : variable.query?.query;
    const call = /^label_values\((.+),\s*(\w+)\)$/.exec(query ?? '');
    if (variable.type !== 'query' || !call) return [];
    return [{ name: variable.name, match: substitute(call[1], dashboard), label: call[2] }];
  });
}

type RuleTest = { input_series?: { series: string }[]; alert_rule_test?: { alertname: string }[] };

/**
 * The series the promtool tests feed the alerts, by name and label names (`name{a="x", b="y"}`). `error_type` is left
 * out: the apps put it only on failed operations, which a healthy run has for RPCs alone.
 */
export function promtoolTestSeries(files: string[]): { name: string; labels: string[]; alert: string }[] {
  const seen = new Map<string, { name: string; labels: string[]; alert: string }>();
  for (const file of files) {
    const { tests = [] } = parse(readFileSync(file, 'utf8')) as { tests?: RuleTest[] };
    for (const test of tests) {
      const alert = test.alert_rule_test?.[0]?.alertname ?? '?';
      for (const { series } of test.input_series ?? []) {
        const name = series.split('{')[0].trim();
        const labels = [...series.matchAll(/(\w+)\s*=/g)].map((match) => match[1]);
        const wanted = labels.filter((label) => !['job', 'instance', 'le', 'error_type'].includes(label));
        const key = `${name}|${wanted.join(',')}`;
        if (!seen.has(key)) seen.set(key, { name, labels: wanted, alert });
      }
    }
  }
  return [...seen.values()];
}
