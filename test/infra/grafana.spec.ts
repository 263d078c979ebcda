// Grafana's provisioning and the RED dashboard agree with each other and with the stack: the data source uids the
// dashboard uses are provisioned, the data sources point at compose services, the dashboard is where the provider
// looks, and every panel links to the matching traces. That each query returns data from the apps, and that the
// series carry the labels the links fill in, is checked against a real Prometheus by `npm run test:prometheus`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ROOT,
  GRAFANA_PROVISIONING,
  composeEnvironment,
  healthcheckTest,
  hostPort,
  loadCompose,
  mountedAt,
  readYaml,
} from './stack-files';

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
  panels?: Panel[];
};
type Dashboard = { panels?: Panel[]; templating?: { list?: { name: string; query?: unknown }[] } };

const RED_DASHBOARD = join(ROOT, 'docker', 'grafana', 'dashboards', 'red.json');
/** Every panel, including those inside rows (a collapsed row keeps its panels in `panels`). */
const allPanels = (list: Panel[] = []): Panel[] => list.flatMap((panel) => [panel, ...allPanels(panel.panels)]);

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
const dashboard = JSON.parse(readFileSync(RED_DASHBOARD, 'utf8')) as Dashboard;
const panels = allPanels(dashboard.panels);
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

  // From the data, so a new service needs no edit here; prometheus.live-spec.ts checks that it lists exactly the apps.
  it('selects services by job, listing the jobs of a metric every app exports (its event-loop delay)', () => {
    expect(dashboard.templating!.list!.find((variable) => variable.name === 'job')).toMatchObject({
      type: 'query',
      datasource: { uid: 'prometheus' },
      query: { query: 'label_values(nodejs_eventloop_delay_p99, job)' },
    });
  });

  it('defines every variable its queries and links use', () => {
    const defined = new Set((dashboard.templating?.list ?? []).map((variable) => variable.name));
    const builtIn =
      /^__(rate_interval|interval|interval_ms|range|range_s|range_ms|from|to|all|field|value|series|data|url_time_range)$/;
    const variableQueries = (dashboard.templating?.list ?? []).map((variable) => JSON.stringify(variable.query ?? ''));
    const texts = [
      ...dataPanels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr)),
      ...variableQueries,
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
