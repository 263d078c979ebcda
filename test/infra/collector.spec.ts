// docker/otel-collector/config.yaml is coherent without running the Collector: every pipeline names components that
// are defined, every defined component is used, connectors join pipelines of the right types, the span metrics see
// every span while Jaeger gets the tail-sampled ones, and the ports agree with docker-compose.yml.
import {
  COLLECTOR_CONFIG,
  composeEnvironment,
  healthcheckTest,
  hostPort,
  loadCompose,
  mountedAt,
  readYaml,
} from './stack-files';

type Components = Record<string, Record<string, unknown> | null>;
type Pipeline = { receivers?: string[]; processors?: string[]; exporters?: string[] };
type CollectorConfig = {
  receivers?: Components;
  processors?: Components;
  exporters?: Components;
  connectors?: Components;
  extensions?: Components;
  service: {
    extensions?: string[];
    pipelines: Record<string, Pipeline>;
    telemetry?: {
      metrics?: { readers?: { pull?: { exporter?: { prometheus?: { host?: string; port?: number } } } }[] };
    };
  };
};
type Policy = { name: string; type: string; [settings: string]: unknown };

const config = readYaml<CollectorConfig>(COLLECTOR_CONFIG);
const pipelines = Object.entries(config.service.pipelines);
const names = (components: Components | undefined): string[] => Object.keys(components ?? {});
/** `traces/in` → `traces`; `otlp_grpc/jaeger` → `otlp_grpc`. */
const typeOf = (id: string): string => id.split('/')[0];
const compose = loadCompose();

type Signal = 'traces' | 'metrics' | 'logs';
/** The signal each connector type takes in (as an exporter) and puts out (as a receiver). */
const CONNECTOR_SIGNALS: Record<string, { from: Signal | 'any'; to: Signal | 'same' }> = {
  span_metrics: { from: 'traces', to: 'metrics' },
  forward: { from: 'any', to: 'same' },
};

describe('the Collector config', () => {
  it('has only traces, metrics and logs pipelines, each with a receiver and an exporter', () => {
    for (const [id, pipeline] of pipelines) {
      expect(['traces', 'metrics', 'logs']).toContain(typeOf(id));
      expect(pipeline.receivers?.length).toBeGreaterThan(0);
      expect(pipeline.exporters?.length).toBeGreaterThan(0);
    }
  });

  it('names only defined components in its pipelines', () => {
    const connectors = names(config.connectors);
    for (const [id, pipeline] of pipelines) {
      for (const receiver of pipeline.receivers ?? []) {
        expect({ pipeline: id, receiver, defined: [...names(config.receivers), ...connectors] }).toEqual(
          expect.objectContaining({ defined: expect.arrayContaining([receiver]) }),
        );
      }
      for (const processor of pipeline.processors ?? []) {
        expect({ pipeline: id, processor, defined: names(config.processors) }).toEqual(
          expect.objectContaining({ defined: expect.arrayContaining([processor]) }),
        );
      }
      for (const exporter of pipeline.exporters ?? []) {
        expect({ pipeline: id, exporter, defined: [...names(config.exporters), ...connectors] }).toEqual(
          expect.objectContaining({ defined: expect.arrayContaining([exporter]) }),
        );
      }
    }
    for (const extension of config.service.extensions ?? []) expect(names(config.extensions)).toContain(extension);
  });

  it('uses every component it defines', () => {
    const used = (key: keyof Pipeline) => new Set(pipelines.flatMap(([, pipeline]) => pipeline[key] ?? []));
    for (const receiver of names(config.receivers)) expect(used('receivers')).toContain(receiver);
    for (const processor of names(config.processors)) expect(used('processors')).toContain(processor);
    for (const exporter of names(config.exporters)) expect(used('exporters')).toContain(exporter);
    for (const extension of names(config.extensions)) expect(config.service.extensions).toContain(extension);
  });

  it.each(names(config.connectors))(
    'uses connector %s as the exporter of one pipeline and the receiver of another, of the right signals',
    (connector) => {
      const into = pipelines.filter(([, pipeline]) => pipeline.exporters?.includes(connector)).map(([id]) => id);
      const outOf = pipelines.filter(([, pipeline]) => pipeline.receivers?.includes(connector)).map(([id]) => id);
      expect(into.length).toBeGreaterThan(0);
      expect(outOf.length).toBeGreaterThan(0);
      expect(outOf.filter((id) => into.includes(id))).toEqual([]);
      const signals = CONNECTOR_SIGNALS[typeOf(connector)];
      expect(signals).toBeDefined(); // a connector type this check does not know yet: add it above
      for (const id of into) if (signals.from !== 'any') expect(typeOf(id)).toBe(signals.from);
      for (const id of outOf) {
        expect(typeOf(id)).toBe(signals.to === 'same' ? typeOf(into[0]) : signals.to);
      }
    },
  );

  it('puts memory_limiter first wherever data comes in from outside', () => {
    const external = names(config.receivers);
    for (const [, pipeline] of pipelines) {
      if (pipeline.receivers?.some((receiver) => external.includes(receiver))) {
        expect(pipeline.processors?.[0]).toBe('memory_limiter');
      }
    }
  });

  it('tail-samples: every error trace, every trace slower than a threshold, a share of the rest', () => {
    const policies = (config.processors?.tail_sampling?.policies ?? []) as Policy[];
    const byType = (type: string) => policies.filter((policy) => policy.type === type);
    const statusCodes = byType('status_code').flatMap(
      (policy) => (policy.status_code as { status_codes: string[] }).status_codes,
    );
    expect(statusCodes).toContain('ERROR');
    const thresholds = byType('latency').map((policy) => (policy.latency as { threshold_ms: number }).threshold_ms);
    expect(thresholds).toHaveLength(1);
    expect(thresholds[0]).toBeGreaterThan(0);
    // `${env:NAME:-default}`: the Collector's own substitution, with the default it falls back to.
    const shares = byType('probabilistic').map((policy) =>
      Number(
        String((policy.probabilistic as { sampling_percentage: number | string }).sampling_percentage).replace(
          /^\$\{env:\w+:-(\d+)\}$/,
          '$1',
        ),
      ),
    );
    expect(shares).toHaveLength(1);
    expect(shares[0]).toBeGreaterThan(0);
    expect(shares[0]).toBeLessThan(100);
    expect(new Set(policies.map((policy) => policy.name)).size).toBe(policies.length);
  });

  it('computes the span metrics from every span, and sends only sampled traces to Jaeger', () => {
    const sampling = (pipeline: Pipeline) =>
      (pipeline.processors ?? []).some((processor) => /sampl/.test(typeOf(processor)));
    const feedingSpanmetrics = pipelines.filter(([, pipeline]) => pipeline.exporters?.includes('span_metrics'));
    expect(feedingSpanmetrics.map(([id]) => id)).toEqual(['traces/in']);
    for (const [, pipeline] of feedingSpanmetrics) {
      expect(sampling(pipeline)).toBe(false);
      expect(pipeline.receivers).toEqual(['otlp']);
    }
    const toJaeger = pipelines.filter(([, pipeline]) => pipeline.exporters?.includes('otlp_grpc/jaeger'));
    expect(toJaeger).toHaveLength(1);
    expect(toJaeger[0][1].processors).toEqual(['tail_sampling']);
  });

  it('uses the component names of current releases: no deprecated alias, no batch processor', () => {
    // otlp became otlp_grpc (0.144), spanmetrics became span_metrics; batching moved to the exporters' sending queue.
    const ids = [...names(config.exporters), ...names(config.connectors), ...names(config.processors)];
    expect(ids.map(typeOf).filter((type) => ['otlp', 'otlphttp', 'spanmetrics', 'batch'].includes(type))).toEqual([]);
    const jaeger = config.exporters?.['otlp_grpc/jaeger'] as { sending_queue?: { batch?: unknown } };
    expect(jaeger.sending_queue).toHaveProperty('batch');
    const spanMetrics = config.connectors?.span_metrics as { add_resource_attributes?: boolean };
    expect(spanMetrics.add_resource_attributes).toBe(true);
  });

  it('exports to Jaeger over OTLP/gRPC, to the compose service', () => {
    const jaeger = config.exporters?.['otlp_grpc/jaeger'] as { endpoint: string; tls?: { insecure?: boolean } };
    expect(hostPort(jaeger.endpoint)).toEqual({ host: 'jaeger', port: 4317 });
    expect(jaeger.tls?.insecure).toBe(true);
    expect(Object.keys(compose.services)).toContain('jaeger');
  });

  it('receives OTLP/HTTP on the port the apps export to', () => {
    const otlp = config.receivers?.otlp as { protocols: { http: { endpoint: string }; grpc: { endpoint: string } } };
    const appEndpoint = hostPort(composeEnvironment(compose.services.gateway).OTEL_EXPORTER_OTLP_ENDPOINT);
    expect(hostPort(otlp.protocols.http.endpoint)).toEqual({ host: '0.0.0.0', port: appEndpoint.port });
    expect(appEndpoint.host).toBe('otel-collector');
    expect(hostPort(otlp.protocols.grpc.endpoint)).toEqual({ host: '0.0.0.0', port: 4317 });
  });

  it('serves the health_check extension where the compose healthcheck asks', () => {
    const health = config.extensions?.health_check as { endpoint: string };
    const { port } = hostPort(health.endpoint);
    const test = healthcheckTest(compose.services['otel-collector'])!;
    const url = test.find((word) => /^https?:\/\//.test(word))!;
    expect(hostPort(url).port).toBe(port);
    expect(hostPort(health.endpoint).host).toBe('0.0.0.0');
  });

  it('exposes its own metrics to other containers, and is given this file by compose', () => {
    const readers = config.service.telemetry?.metrics?.readers ?? [];
    const prometheus = readers.map((reader) => reader.pull?.exporter?.prometheus).find(Boolean);
    expect(prometheus).toEqual({ host: '0.0.0.0', port: 8888 });
    const collector = compose.services['otel-collector'];
    const configFlag = (collector.command as string[]).find((word) => word.startsWith('--config='))!;
    expect(mountedAt(collector, configFlag.slice('--config='.length))).toBe(COLLECTOR_CONFIG);
  });
});
