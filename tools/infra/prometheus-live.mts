// `npm run test:prometheus`: a real Prometheus scrapes the running apps with docker/prometheus/prometheus.yml and
// loads docker/prometheus/alerts.yml, after traffic that covers every panel; then every query of every Grafana
// dashboard must return data, every alert rule must evaluate with health "ok", and every series the promtool rule
// tests (docker/prometheus/*.test.yml) feed an alert must exist with the same labels, so a tested alert cannot be
// watching a metric the apps do not export. Needs Debian's `prometheus` package (2.42) and NATS on 127.0.0.1:4222.
// The Collector does not run here, so its two jobs are down and queries on its span metrics are only parsed.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppSet, freePort } from '../bench/apps.mts';
import { startDatabases } from '../bench/databases.mts';
import { OtlpSink } from '../bench/otlp-sink.mts';
import { stopChild } from '../bench/proc.ts';
import {
  dashboardFiles,
  panelQueries,
  promtoolTestSeries,
  scrapeConfig,
  variableQueries,
} from './prometheus-inputs.mts';
import { PrometheusApi } from './prometheus-api.mts';
import { driveTraffic } from './traffic.mts';

const ROOT = join(import.meta.dirname, '..', '..');
const DEADLINE_MS = 120_000;
/** Queries on the Collector's span metrics: no Collector runs here. */
const COLLECTOR_ONLY = /traces_span_metrics_/;

function requirePrometheus(): void {
  for (const binary of ['prometheus', 'promtool']) {
    if (spawnSync(binary, ['--version']).status !== 0) {
      console.error(
        `${binary} is not installed. On Debian or Ubuntu: sudo apt-get install -y prometheus ` +
          '(then `sudo systemctl disable --now prometheus` if it started a daemon), and run this again.',
      );
      process.exit(2);
    }
  }
}

let failures = 0;
function check(ok: boolean, what: string): void {
  if (!ok) failures += 1;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
}

async function main(): Promise<void> {
  requirePrometheus();
  const dir = mkdtempSync(join(tmpdir(), 'prometheus-live-'));
  const databases = await startDatabases();
  const sink = new OtlpSink();
  const apps = new AppSet(join(dir, 'app'));
  let prometheus: ReturnType<typeof spawn> | undefined;
  try {
    await apps.start({
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      LOG_FORMAT: 'json',
      TRANSPORT: 'nats',
      NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
      RATE_LIMIT_LIMIT: '0',
      USER_DATABASE_URL: databases.urls.user,
      ORDER_DATABASE_URL: databases.urls.order,
      OTEL_EXPORTER_OTLP_ENDPOINT: await sink.start(),
      OTEL_BSP_SCHEDULE_DELAY: '200',
    });
    const targets = Object.fromEntries(apps.apps.map(({ app, url }) => [app, new URL(url).host]));
    writeFileSync(join(dir, 'prometheus.yml'), scrapeConfig(targets, `127.0.0.1:${await freePort()}`));
    const port = await freePort();
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--enable-feature=exemplar-storage',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const api = new PrometheusApi(`http://127.0.0.1:${port}`, prometheus);
    await api.waitReady(DEADLINE_MS);
    console.log(`Prometheus ${await api.version()} scraping ${Object.values(targets).join(', ')}`);

    // Traffic keeps flowing while the checks poll, so every rate() window holds two scrapes with requests in them.
    const traffic = driveTraffic(apps.gatewayUrl);
    try {
      await checkDashboards(api);
      await checkVariables(api);
      await checkRules(api);
      await checkTestedSeries(api);
    } finally {
      await traffic.stop();
    }
  } finally {
    if (prometheus) await stopChild(prometheus);
    await apps.stop();
    await sink.stop();
    await databases.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(failures === 0 ? '\nall Prometheus checks passed' : `\n${failures} Prometheus check(s) failed`);
  process.exit(failures === 0 ? 0 : 1);
}

async function checkDashboards(api: PrometheusApi): Promise<void> {
  for (const file of dashboardFiles()) {
    for (const query of panelQueries(file)) {
      if (COLLECTOR_ONLY.test(query.expr)) {
        const result = await api.query(query.expr);
        check(result.status === 'success', `${query.source}: valid PromQL (Collector span metrics, not run here)`);
        continue;
      }
      const result = await api.pollForData(query.expr, DEADLINE_MS);
      check(result.data.length > 0, `${query.source}: returns data`);
      // The labels the panel's trace links fill in (${__field.labels.x}) must be on the series the query returns.
      for (const label of query.linkLabels) {
        const carried = result.data.every((series) => label in series.metric);
        check(carried, `${query.source}: every series carries ${label}, which its trace links use`);
      }
    }
  }
}

async function checkVariables(api: PrometheusApi): Promise<void> {
  for (const file of dashboardFiles()) {
    for (const variable of variableQueries(file)) {
      const values = await api.labelValues(variable.label, variable.match);
      check(values.length > 0, `variable $${variable.name}: label_values(${variable.match}, ${variable.label}) is set`);
    }
  }
}

async function checkRules(api: PrometheusApi): Promise<void> {
  const rules = await api.pollRulesEvaluated(DEADLINE_MS);
  check(rules.length > 0, `alerts.yml: ${rules.length} rules loaded`);
  for (const rule of rules) {
    check(
      rule.health === 'ok',
      `alert ${rule.name}: health ${rule.health}${rule.lastError ? ` (${rule.lastError})` : ''}`,
    );
  }
}

async function checkTestedSeries(api: PrometheusApi): Promise<void> {
  const testFiles = readdirSync(join(ROOT, 'docker', 'prometheus')).filter((file) => file.endsWith('.test.yml'));
  for (const series of promtoolTestSeries(testFiles.map((file) => join(ROOT, 'docker', 'prometheus', file)))) {
    if (/^(up|otelcol_)/.test(series.name)) continue; // Prometheus' own, and the Collector's
    const labels = await api.seriesLabels(series.name);
    check(labels.size > 0, `${series.name} (fed to ${series.alert} by its promtool test) is exported by the apps`);
    for (const label of series.labels) {
      check(labels.has(label), `${series.name} carries ${label}, as in ${series.alert}'s promtool test`);
    }
  }
}

await main();
