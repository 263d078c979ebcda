// `npm run test:prometheus`: a real Prometheus scrapes the running apps with docker/prometheus/prometheus.yml and
// loads docker/prometheus/alerts.yml, after traffic that covers every panel; then every query of every Grafana
// dashboard must return data, every alert rule must evaluate with health "ok", and every series the promtool rule
// tests (docker/prometheus/*.test.yml) feed an alert must exist with the same labels, so a tested alert cannot be
// watching a metric the apps do not export. Needs Debian's `prometheus` package (2.42) and NATS on 127.0.0.1:4222.
// The Collector does not run here, so its two jobs are down and queries on its span metrics are only parsed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { AppProcess } from '../support/app-process';
import { OtlpReceiver } from '../support/otlp-receiver';
import { freePort } from '../support/ports';
import { Stack } from '../support/stack';
import { PrometheusApi } from './prometheus-api';
import { dashboardFiles, panelQueries, promtoolTestSeries, scrapeConfig, variableQueries } from './prometheus-inputs';
import { APPS, ROOT, serviceNameOf } from './stack-files';
import { driveTraffic } from './traffic';

const DEADLINE_MS = 120_000;
/** Queries on the Collector's span metrics: no Collector runs here. */
const COLLECTOR_ONLY = /traces_span_metrics_/;
const PROMETHEUS_DIR = join(ROOT, 'docker', 'prometheus');
jest.setTimeout(DEADLINE_MS + 30_000);

function requirePrometheus(): void {
  for (const binary of ['prometheus', 'promtool']) {
    if (spawnSync(binary, ['--version']).status !== 0) {
      throw new Error(
        `${binary} is not installed. On Debian or Ubuntu: sudo apt-get install -y prometheus ` +
          '(then `sudo systemctl disable --now prometheus` if it started a daemon), and run this again.',
      );
    }
  }
}

const dir = mkdtempSync(join(tmpdir(), 'prometheus-live-'));
const receiver = new OtlpReceiver();
let stack: Stack | undefined;
let prometheus: AppProcess | undefined;
let traffic: { stop(): Promise<void> } | undefined;
let api: PrometheusApi;

beforeAll(async () => {
  requirePrometheus();
  await receiver.start();
  stack = await new Stack({
    otlpEndpoint: receiver.endpoint,
    transport: 'nats',
    env: { NODE_ENV: 'production' },
  }).start();
  const targets = Object.fromEntries(
    [...stack.instances.values()].map(({ app, httpUrl }) => [app, new URL(httpUrl).host]),
  );
  writeFileSync(join(dir, 'prometheus.yml'), scrapeConfig(targets, `127.0.0.1:${await freePort()}`));
  const port = await freePort();
  prometheus = new AppProcess(
    'prometheus',
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--enable-feature=exemplar-storage',
    ],
    process.env,
  );
  api = new PrometheusApi(`http://127.0.0.1:${port}`, prometheus);
  await api.waitReady(DEADLINE_MS);
  console.log(`Prometheus ${await api.version()} scraping ${Object.values(targets).join(', ')}`);
  // Traffic keeps flowing while the tests poll, so every rate() window holds two scrapes with requests in them.
  traffic = driveTraffic(stack.gatewayUrl);
}, 3 * DEADLINE_MS);

afterAll(async () => {
  await traffic?.stop();
  await prometheus?.stop();
  await stack?.stop();
  await receiver.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(dashboardFiles().map((file) => [basename(file), file]))('the Grafana dashboard %s', (_name, file) => {
  const queries = panelQueries(file).map((query) => ({
    ...query,
    collectorOnly: COLLECTOR_ONLY.test(query.expr),
    check: COLLECTOR_ONLY.test(query.expr)
      ? 'valid PromQL (Collector span metrics, not run here)'
      : 'returns data, each series with the labels its trace links use',
  }));

  it.each(queries)('$source: $check', async ({ expr, collectorOnly, linkLabels }) => {
    if (collectorOnly) {
      const { status, error } = await api.query(expr);
      expect({ status, error }).toEqual({ status: 'success', error: undefined });
      return;
    }
    const result = await api.pollForData(expr, DEADLINE_MS);
    expect(result.data.length).toBeGreaterThan(0);
    // The labels the panel's trace links fill in (${__field.labels.x}) must be on the series the query returns.
    for (const label of linkLabels) {
      expect({ label, without: result.data.filter((series) => !(label in series.metric)) }).toEqual({
        label,
        without: [],
      });
    }
  });

  const variables = variableQueries(file);
  // it.each refuses an empty table, and a dashboard may have no variables.
  if (variables.length > 0) {
    it.each(variables)('variable $name: label_values($match, $label) is set', async ({ match, label }) => {
      expect((await api.labelValues(label, match)).length).toBeGreaterThan(0);
    });
  }
});

it("lists every app's job, and nothing else (not the Collector's), in the RED dashboard's service picker", async () => {
  const red = dashboardFiles().find((file) => basename(file) === 'red.json')!;
  const { match, label } = variableQueries(red).find((variable) => variable.name === 'job')!;
  // Until every app has been scraped once.
  await api.pollForData(`count(count by (${label}) (${match})) >= ${APPS.length}`, DEADLINE_MS);
  expect((await api.labelValues(label, match)).sort()).toEqual(APPS.map(serviceNameOf).sort());
});

it('loads the rules of alerts.yml, and every one evaluates with health "ok"', async () => {
  const rules = await api.pollRulesEvaluated(DEADLINE_MS);
  expect(rules.length).toBeGreaterThan(0);
  const unhealthy = rules.filter((rule) => rule.health !== 'ok');
  expect(unhealthy.map(({ name, health, lastError }) => ({ name, health, lastError }))).toEqual([]);
});

const testFiles = readdirSync(PROMETHEUS_DIR)
  .filter((file) => file.endsWith('.test.yml'))
  .map((file) => join(PROMETHEUS_DIR, file));
// Prometheus' own series (up) and the Collector's are not the apps' to export.
const testedSeries = promtoolTestSeries(testFiles).filter((series) => !/^(up|otelcol_)/.test(series.name));

it.each(testedSeries)(
  '$name, fed to $alert by its promtool test, is exported by the apps with the same labels',
  async ({ name, labels }) => {
    const exported = await api.seriesLabels(name);
    expect(exported.size).toBeGreaterThan(0);
    expect(labels.filter((label) => !exported.has(label))).toEqual([]);
  },
);
