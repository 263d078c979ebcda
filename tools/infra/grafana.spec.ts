// Grafana's provisioning and the RED dashboard agree with each other and with the stack: the data source uids the
// dashboard uses are provisioned, the data sources point at compose services, the dashboard is where the provider
// looks, its queries read only metrics the apps (or the Collector, or Prometheus) export with labels they carry, and
// every panel links to the matching traces.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  APP_METRICS,
  HISTOGRAM_LABELS,
  RED_DASHBOARD,
  SCRAPE_LABELS,
  baseMetricName,
  dashboardPanels,
  dashboardQueries,
  isAppMetric,
  loadDashboard,
  promqlReferences,
} from './dashboard';
import {
  APPS,
  serviceNameOf,
  COLLECTOR_CONFIG,
  GRAFANA_PROVISIONING,
  composeEnvironment,
  healthcheckTest,
  hostPort,
  loadCompose,
  mountedAt,
  readYaml,
} from './stack';

type Datasource = {
  name: string;
  uid?: string;
  type: string;
  url?: string;
  jsonData?: { exemplarTraceIdDestinations?: { name: string; datasourceUid?: string }[] };
};
type Link = { title: string; url: string };
type FieldConfig = {
  defaults?: { links?: Link[] };
  overrides?: { matcher: { id: string; options: string }; properties: { id: string; value: unknown }[] }[];
};
type Panel = {
  id?: number;
  type?: string;
  title?: string;
  datasource?: { uid?: string };
  targets?: { refId: string; expr: string; datasource?: { uid?: string } }[];
  fieldConfig?: FieldConfig;
};

const compose = loadCompose();
const grafana = compose.services.grafana;
const yamlFiles = (dir: string) =>
  readdirSync(join(GRAFANA_PROVISIONING, dir))
    .filter((file) => /\.ya?ml$/.test(file))
    .map((file) => join(GRAFANA_PROVISIONING, dir, file));
const datasources = yamlFiles('datasources').flatMap(
  (file) => readYaml<{ datasources?: Datasource[] }>(file).datasources ?? [],
);
const providers = yamlFiles('dashboards').flatMap(
  (file) => readYaml<{ providers?: { options: { path: string } }[] }>(file).providers ?? [],
);
const dashboard = loadDashboard();
const panels = dashboardPanels(dashboard) as Panel[];
const dataPanels = panels.filter((panel) => panel.type !== 'row');
const provisionedUids = datasources.map((datasource) => datasource.uid);
/** Grafana's own pseudo data sources. */
const BUILT_IN_UIDS = ['-- Grafana --', '-- Dashboard --', '-- Mixed --', 'grafana'];

/** Every `uid` of a `datasource` object anywhere in the dashboard JSON, and of the Explore panes in its links. */
function referencedUids(): string[] {
  const uids: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        if (key === 'datasource' && typeof child === 'object' && child !== null && 'uid' in child) {
          uids.push(String(child.uid));
        }
        if (key === 'datasourceUid') uids.push(String(child));
        visit(child);
      }
    }
  };
  visit(dashboard);
  for (const pane of explorePanes()) visit(pane);
  return [...new Set(uids)];
}

/** Every link of a panel: its defaults' and its overrides'. */
function panelLinks(panel: Panel): Link[] {
  const overrides = (panel.fieldConfig?.overrides ?? []).flatMap((override) =>
    override.properties.filter((property) => property.id === 'links').flatMap((property) => property.value as Link[]),
  );
  return [...(panel.fieldConfig?.defaults?.links ?? []), ...overrides];
}

/** The `panes` of every Explore link, parsed, with Grafana's variables replaced by sample values. */
function explorePanes(): Record<string, { datasource: string; queries: Record<string, unknown>[] }>[] {
  return dataPanels
    .flatMap(panelLinks)
    .filter((link) => link.url.startsWith('/explore?'))
    .map((link) => {
      const panes = new URL(link.url.replace(/\$\{[^}]+\}/g, 'x'), 'http://grafana').searchParams.get('panes');
      return JSON.parse(panes!) as Record<string, { datasource: string; queries: Record<string, unknown>[] }>;
    });
}

describe('Grafana provisioning', () => {
  it('provisions Prometheus as uid "prometheus" and Jaeger as uid "jaeger", nothing twice', () => {
    expect(datasources.map(({ uid, type }) => ({ uid, type }))).toEqual(
      expect.arrayContaining([
        { uid: 'prometheus', type: 'prometheus' },
        { uid: 'jaeger', type: 'jaeger' },
      ]),
    );
    expect(new Set(provisionedUids).size).toBe(datasources.length);
    expect(new Set(datasources.map((datasource) => datasource.name)).size).toBe(datasources.length);
  });

  it('points each data source at its compose service', () => {
    const prometheus = datasources.find((datasource) => datasource.uid === 'prometheus')!;
    const jaeger = datasources.find((datasource) => datasource.uid === 'jaeger')!;
    expect(hostPort(prometheus.url!)).toEqual({ host: 'prometheus', port: 9090 });
    expect(hostPort(jaeger.url!)).toEqual({ host: 'jaeger', port: 16686 });
    const prometheusProbe = healthcheckTest(compose.services.prometheus)!.find((word) => word.startsWith('http'))!;
    expect(hostPort(prometheusProbe).port).toBe(9090);
    expect(compose.services.jaeger.ports).toContain('127.0.0.1:16686:16686');
  });

  it('links exemplars (trace_id) to a provisioned data source', () => {
    for (const datasource of datasources) {
      for (const destination of datasource.jsonData?.exemplarTraceIdDestinations ?? []) {
        expect(provisionedUids).toContain(destination.datasourceUid);
      }
    }
  });

  it('loads dashboards from where compose mounts docker/grafana/dashboards, including the home dashboard', () => {
    const mounted = mountedAt(grafana, providers[0].options.path);
    expect(providers).toHaveLength(1);
    expect(mounted).toBe(join(RED_DASHBOARD, '..'));
    expect(mountedAt(grafana, '/etc/grafana/provisioning')).toBe(GRAFANA_PROVISIONING);
    const home = composeEnvironment(grafana).GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH;
    expect(home).toBe(`${providers[0].options.path}/red.json`);
  });

  it('lets anonymous users in as viewers', () => {
    expect(composeEnvironment(grafana)).toMatchObject({
      GF_AUTH_ANONYMOUS_ENABLED: 'true',
      GF_AUTH_ANONYMOUS_ORG_ROLE: 'Viewer',
    });
  });
});

describe('the RED dashboard', () => {
  it('uses only provisioned data sources', () => {
    for (const uid of referencedUids()) expect([...provisionedUids, ...BUILT_IN_UIDS]).toContain(uid);
  });

  it('is valid JSON with unique panel ids and a unique uid among the dashboards', () => {
    const ids = panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    const dir = join(RED_DASHBOARD, '..');
    const uids = readdirSync(dir)
      .filter((file) => file.endsWith('.json'))
      .map((file) => (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { uid: string }).uid);
    expect(new Set(uids).size).toBe(uids.length);
  });

  it('has a query on Prometheus in every panel', () => {
    for (const panel of dataPanels) {
      expect({ panel: panel.title, targets: panel.targets?.length ?? 0 }).toEqual({
        panel: panel.title,
        targets: expect.any(Number),
      });
      expect(panel.targets!.length).toBeGreaterThan(0);
      for (const target of panel.targets!) expect(target.datasource?.uid ?? panel.datasource?.uid).toBe('prometheus');
    }
  });

  it('reads only metrics that exist: the apps’ (with the right series of each), the Collector’s span metrics, up', () => {
    const spanMetrics = ['traces_span_metrics_calls_total', 'traces_span_metrics_duration_seconds'];
    for (const { source, expr } of dashboardQueries(dashboard)) {
      for (const series of promqlReferences(expr).metrics) {
        const metric = baseMetricName(series);
        const context = { source, series };
        if (!isAppMetric(metric)) {
          expect({ ...context, known: ['up', ...spanMetrics].includes(metric) }).toEqual({ ...context, known: true });
          continue;
        }
        const contract = APP_METRICS[metric as keyof typeof APP_METRICS] as { type: string } | undefined;
        expect({ ...context, exported: contract !== undefined }).toEqual({ ...context, exported: true });
        // A histogram is read through its _bucket, _sum or _count series; a gauge by its name.
        expect({ ...context, histogramSeries: series !== metric }).toEqual({
          ...context,
          histogramSeries: contract!.type === 'histogram',
        });
      }
    }
  });

  it('uses only labels the metrics it reads carry', () => {
    type Collector = { connectors: { spanmetrics: { dimensions: { name: string }[] } } };
    const dimensions = readYaml<Collector>(COLLECTOR_CONFIG).connectors.spanmetrics.dimensions.map((dimension) =>
      dimension.name.replace(/\./g, '_'),
    );
    const spanLabels = ['service_name', 'span_name', 'span_kind', 'status_code', ...dimensions];
    const labelsOf = (metric: string): readonly string[] =>
      metric.startsWith('traces_span_metrics_')
        ? spanLabels
        : ((APP_METRICS as Record<string, { labels: readonly string[] }>)[metric]?.labels ?? []);
    for (const { source, expr } of dashboardQueries(dashboard)) {
      const { metrics, labels } = promqlReferences(expr);
      const carried = new Set<string>([
        ...SCRAPE_LABELS,
        ...HISTOGRAM_LABELS,
        ...metrics.flatMap((series) => labelsOf(baseMetricName(series))),
      ]);
      for (const label of labels)
        expect({ source, label, carried: carried.has(label) }).toEqual({ source, label, carried: true });
    }
  });

  it('selects services by job, with the apps’ job names (their service.name) as its options', () => {
    const job = dashboard.templating!.list!.find((variable) => variable.name === 'job') as { query: string };
    expect(job.query.split(',').sort()).toEqual(APPS.map(serviceNameOf).sort());
  });

  it('defines every variable its queries and links use', () => {
    const defined = new Set((dashboard.templating?.list ?? []).map((variable) => variable.name));
    const builtIn =
      /^__(rate_interval|interval|interval_ms|range|range_s|range_ms|from|to|all|field|value|series|data|url_time_range)$/;
    const texts = [
      ...dashboardQueries(dashboard).map((query) => query.expr),
      ...dataPanels.flatMap(panelLinks).map((link) => link.url),
    ];
    for (const text of texts) {
      for (const [, name] of text.matchAll(/\$\{?(\w+)/g)) {
        expect({ name, defined: defined.has(name) || builtIn.test(name) }).toEqual({ name, defined: true });
      }
    }
  });

  it('links every panel, for every query, to the matching traces: in Explore (Jaeger) and in the Jaeger UI', () => {
    for (const panel of dataPanels) {
      const defaults = panel.fieldConfig?.defaults?.links ?? [];
      for (const target of panel.targets ?? []) {
        const override = panel.fieldConfig?.overrides?.find(
          (each) => each.matcher.id === 'byFrameRefID' && each.matcher.options === target.refId,
        );
        const links = (override?.properties.find((property) => property.id === 'links')?.value as Link[]) ?? defaults;
        const kinds = links.map((link) =>
          link.url.startsWith('/explore?') ? 'explore' : link.url.split('/search?')[0],
        );
        expect({ panel: panel.title, refId: target.refId, kinds }).toEqual({
          panel: panel.title,
          refId: target.refId,
          kinds: ['explore', '${jaeger_url}'],
        });
        // The labels a link fills in are labels the query keeps.
        const { labels } = promqlReferences(target.expr);
        for (const link of links) {
          for (const [, label] of link.url.matchAll(/\$\{__field\.labels\.(\w+)/g)) {
            expect({ panel: panel.title, label, kept: labels.includes(label) }).toEqual({
              panel: panel.title,
              label,
              kept: true,
            });
          }
        }
      }
    }
  });

  it('opens Explore on a Jaeger search', () => {
    const panes = explorePanes();
    expect(panes.length).toBeGreaterThan(0);
    for (const pane of panes.flatMap((each) => Object.values(each))) {
      expect(pane.datasource).toBe('jaeger');
      expect(pane.queries).toEqual([expect.objectContaining({ queryType: 'search', service: 'x' })]);
    }
  });
});
