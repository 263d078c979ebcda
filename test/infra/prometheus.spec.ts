// docker/prometheus/prometheus.yml scrapes what docker-compose.yml runs: each app on its HTTP port (the defaults of
// libs/config/src/env.schema.ts, unless compose overrides them), the Collector's span metrics and its own telemetry.
import { execFileSync } from 'node:child_process';
import { envSchema } from '@app/config';
import {
  APPS,
  serviceNameOf,
  COLLECTOR_CONFIG,
  HEALTHCHECK_SCRIPT,
  PROMETHEUS_CONFIG,
  composeEnvironment,
  healthcheckTest,
  hostPort,
  loadCompose,
  mountedAt,
  readYaml,
} from './stack-files';

type ScrapeConfig = {
  job_name: string;
  metrics_path?: string;
  scrape_interval?: string;
  static_configs?: { targets: string[] }[];
};
type PrometheusConfig = { global?: { scrape_interval?: string }; scrape_configs: ScrapeConfig[] };

const prometheus = readYaml<PrometheusConfig>(PROMETHEUS_CONFIG);
const compose = loadCompose();
const jobs = new Map(prometheus.scrape_configs.map((job) => [job.job_name, job]));
const targetsOf = (job: string) => (jobs.get(job)?.static_configs ?? []).flatMap((config) => config.targets);

/** The variable each app reads its HTTP port from, as the image's healthcheck has it (checked in compose.spec.ts). */
const portVariables = JSON.parse(
  execFileSync(process.execPath, ['-p', `JSON.stringify(require(${JSON.stringify(HEALTHCHECK_SCRIPT)}).HTTP_PORTS)`], {
    encoding: 'utf8',
  }),
) as Record<string, { variable: string }>;

describe('the Prometheus config', () => {
  it('scrapes every 10s', () => {
    expect(prometheus.global?.scrape_interval).toBe('10s');
    for (const job of prometheus.scrape_configs) expect(job.scrape_interval ?? '10s').toBe('10s');
  });

  it('has one job per app, named after its service.name, and the two Collector jobs', () => {
    expect([...jobs.keys()].sort()).toEqual(
      [...APPS.map(serviceNameOf), 'otel-collector', 'otel-collector-spanmetrics'].sort(),
    );
  });

  it.each(APPS)("scrapes %s's /metrics on its HTTP port, at its compose service", (app) => {
    const variable = portVariables[app].variable;
    const port = Number(
      envSchema.parse(composeEnvironment(compose.services[app]))[variable as keyof typeof envSchema.shape],
    );
    expect(port).toBe(Number(envSchema.parse({})[variable as keyof typeof envSchema.shape]));
    expect(targetsOf(serviceNameOf(app))).toEqual([`${app}:${port}`]);
    expect(jobs.get(serviceNameOf(app))?.metrics_path).toBe('/metrics');
  });

  it("scrapes the Collector's span metrics and own telemetry on the ports its config serves them", () => {
    type Collector = {
      exporters: { prometheus: { endpoint: string } };
      service: { telemetry: { metrics: { readers: { pull: { exporter: { prometheus: { port: number } } } }[] } } };
    };
    const collector = readYaml<Collector>(COLLECTOR_CONFIG);
    const spanMetricsPort = hostPort(collector.exporters.prometheus.endpoint).port;
    const telemetryPort = collector.service.telemetry.metrics.readers[0].pull.exporter.prometheus.port;
    expect(targetsOf('otel-collector-spanmetrics')).toEqual([`otel-collector:${spanMetricsPort}`]);
    expect(targetsOf('otel-collector')).toEqual([`otel-collector:${telemetryPort}`]);
  });

  it('scrapes only compose services', () => {
    for (const job of jobs.keys()) {
      for (const target of targetsOf(job)) expect(Object.keys(compose.services)).toContain(hostPort(target).host);
    }
  });

  it('is the file compose gives Prometheus, and the healthcheck asks the port it serves', () => {
    const service = compose.services.prometheus;
    const flag = (service.command as string[]).find((word) => word.startsWith('--config.file='))!;
    expect(mountedAt(service, flag.slice('--config.file='.length))).toBe(PROMETHEUS_CONFIG);
    const url = healthcheckTest(service)!.find((word) => /^https?:\/\//.test(word))!;
    expect(hostPort(url).port).toBe(9090);
  });
});
