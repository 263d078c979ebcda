// Readers for the docker-compose stack's files (docker-compose.yml, the Collector, Prometheus and Grafana configs; the
// Dockerfiles are read by dockerfile.ts), for the specs in this directory that check them without Docker.

import { SERVICE_NAMES } from '@app/config';
import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';

export const ROOT = resolve(__dirname, '..', '..');
export const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');
export const COLLECTOR_CONFIG = join(ROOT, 'docker', 'otel-collector', 'config.yaml');
export const PROMETHEUS_CONFIG = join(ROOT, 'docker', 'prometheus', 'prometheus.yml');
export const GRAFANA_PROVISIONING = join(ROOT, 'docker', 'grafana', 'provisioning');
export const HEALTHCHECK_SCRIPT = join(ROOT, 'docker', 'healthcheck.cjs');

/** The apps, each a compose service and a Prometheus job named after its service.name: the gateway and the services.json ones. */
export const APPS = ['gateway', ...SERVICE_NAMES] as const;
export type App = (typeof APPS)[number];

/** The project's name (package.json), which `npm run rename` changes. */
export const PROJECT_NAME = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string }).name;

/** An app's default service.name (apps/<app>/src/tracing.ts), unique across a company's services. */
export const serviceNameOf = (app: App): string => `${PROJECT_NAME}-${app}`;

/** YAML as docker-compose reads it: with `<<` merge keys, which the compose file's anchors use. */
export function readYaml<T>(path: string): T {
  return parse(readFileSync(path, 'utf8'), { merge: true }) as T;
}

export type ComposeBuild = { context?: string; dockerfile?: string; target?: string; args?: Record<string, string> };
export type ComposeHealthcheck = {
  test?: string | string[];
  disable?: boolean;
  interval?: string;
  timeout?: string;
  retries?: number;
  start_period?: string;
};
export type ComposeService = {
  image?: string;
  build?: string | ComposeBuild;
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  healthcheck?: ComposeHealthcheck;
  depends_on?: string[] | Record<string, { condition?: string }>;
  volumes?: (string | { type?: string; source?: string; target?: string; read_only?: boolean })[];
  ports?: (string | number | { target?: number; published?: number | string })[];
  restart?: string;
  user?: string;
  mem_limit?: string | number;
  logging?: { driver?: string; options?: Record<string, string> };
};
export type Compose = { services: Record<string, ComposeService>; volumes?: Record<string, unknown> };

export function loadCompose(): Compose {
  return readYaml<Compose>(COMPOSE_FILE);
}

/** A service's build section in long form, with the context and Dockerfile as absolute paths. */
export function composeBuild(
  service: ComposeService,
): (Required<Pick<ComposeBuild, 'context' | 'dockerfile'>> & ComposeBuild) | undefined {
  if (service.build === undefined) return undefined;
  const build = typeof service.build === 'string' ? { context: service.build } : service.build;
  const context = resolve(ROOT, build.context ?? '.');
  const dockerfile = resolve(context, build.dockerfile ?? 'Dockerfile');
  return { ...build, context, dockerfile };
}

/** The environment compose gives a service, as strings (list and map forms). */
export function composeEnvironment(service: ComposeService): Record<string, string> {
  const environment = service.environment ?? {};
  if (Array.isArray(environment)) {
    return Object.fromEntries(
      environment.map((entry) => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, value == null ? '' : `${value}`]));
}

/** depends_on in long form: service name → condition (`service_started` when the short form names it). */
export function composeDependencies(service: ComposeService): Record<string, string> {
  const dependsOn = service.depends_on ?? {};
  if (Array.isArray(dependsOn)) return Object.fromEntries(dependsOn.map((name) => [name, 'service_started']));
  return Object.fromEntries(
    Object.entries(dependsOn).map(([name, spec]) => [name, spec?.condition ?? 'service_started']),
  );
}

/** The healthcheck command as a list (`CMD-SHELL x` for the string form), or undefined when there is none. */
export function healthcheckTest(service: ComposeService): string[] | undefined {
  const test = service.healthcheck?.test;
  if (service.healthcheck?.disable || test === undefined) return undefined;
  return typeof test === 'string' ? ['CMD-SHELL', test] : test;
}

export type BindMount = { source: string; target: string; readOnly: boolean };

/** A service's bind mounts (short `./src:/dst[:ro]` and long `type: bind` forms), sources made absolute. */
export function bindMounts(service: ComposeService): BindMount[] {
  const mounts: BindMount[] = [];
  for (const volume of service.volumes ?? []) {
    if (typeof volume === 'string') {
      const [source = '', target = '', mode = ''] = volume.split(':');
      if (source.startsWith('.') || isAbsolute(source)) {
        mounts.push({ source: resolve(ROOT, source), target, readOnly: mode.split(',').includes('ro') });
      }
    } else if (volume.type === 'bind' && volume.source && volume.target) {
      mounts.push({ source: resolve(ROOT, volume.source), target: volume.target, readOnly: !!volume.read_only });
    }
  }
  return mounts;
}

/** The host path compose mounts at `target` in the service, if any. */
export function mountedAt(service: ComposeService, target: string): string | undefined {
  return bindMounts(service).find((mount) => mount.target === target)?.source;
}

/** An image reference's tag and digest (`registry:5000/name:tag@sha256:…`). */
export function imageReference(image: string): { name: string; tag?: string; digest?: string } {
  const [withoutDigest = '', digest] = image.split('@');
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  if (colon > slash) return { name: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1), digest };
  return { name: withoutDigest, digest };
}

/** Pinned: a digest, or a tag that names a version (not `latest`, not absent). */
export function isPinned(image: string): boolean {
  const { tag, digest } = imageReference(image);
  return digest !== undefined || (tag !== undefined && tag !== '' && tag !== 'latest');
}

/** host and port of a `host:port` endpoint or of a URL. */
export function hostPort(endpoint: string): { host: string; port: number } {
  const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `tcp://${endpoint}`);
  const defaults: Record<string, number> = { 'http:': 80, 'https:': 443 };
  return { host: url.hostname, port: url.port ? Number(url.port) : (defaults[url.protocol] ?? NaN) };
}
