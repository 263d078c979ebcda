// Readers for the docker-compose stack's files (docker-compose.yml, Dockerfiles, the Collector, Prometheus and Grafana
// configs), for the specs in this directory that check them without Docker.

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

export type DockerfileInstruction = { keyword: string; args: string; line: number };
export type DockerfileStage = { name?: string; base: string; instructions: DockerfileInstruction[] };
export type Dockerfile = { globalArgs: Record<string, string | undefined>; stages: DockerfileStage[] };

/** Instructions of a Dockerfile: comments dropped, continuation lines joined. */
export function dockerfileInstructions(text: string): DockerfileInstruction[] {
  const instructions: DockerfileInstruction[] = [];
  let pending = '';
  let startLine = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trimEnd();
    if (pending === '' && /^\s*(#|$)/.test(line)) return;
    if (pending !== '' && /^\s*#/.test(line)) return; // comments inside a continued instruction
    if (pending === '') startLine = index + 1;
    if (line.endsWith('\\')) {
      pending += line.slice(0, -1) + ' ';
      return;
    }
    const full = (pending + line).trim();
    pending = '';
    const [, keyword = '', args = ''] = /^(\S+)\s*([\s\S]*)$/.exec(full) ?? [];
    instructions.push({ keyword: keyword.toUpperCase(), args: args.trim(), line: startLine });
  });
  return instructions;
}

/** A Dockerfile's stages (base image with global ARG defaults substituted, name) and global ARG defaults. */
export function parseDockerfile(path: string): Dockerfile {
  const globalArgs: Record<string, string | undefined> = {};
  const stages: DockerfileStage[] = [];
  for (const instruction of dockerfileInstructions(readFileSync(path, 'utf8'))) {
    const stage = stages.at(-1);
    if (instruction.keyword === 'FROM') {
      const words = instruction.args.split(/\s+/).filter((word) => !word.startsWith('--'));
      const base = (words[0] ?? '').replace(/\$\{?(\w+)\}?/g, (_, name: string) => globalArgs[name] ?? '');
      const name = words[1]?.toUpperCase() === 'AS' ? words[2] : undefined;
      stages.push({ name, base, instructions: [] });
    } else if (!stage) {
      if (instruction.keyword === 'ARG') {
        const at = instruction.args.indexOf('=');
        if (at < 0) globalArgs[instruction.args.trim()] = undefined;
        else globalArgs[instruction.args.slice(0, at).trim()] = instruction.args.slice(at + 1).trim();
      }
    } else {
      stage.instructions.push(instruction);
    }
  }
  return { globalArgs, stages };
}

/** The ARG names a stage declares. */
export function stageArgs(stage: DockerfileStage): string[] {
  return stage.instructions
    .filter((instruction) => instruction.keyword === 'ARG')
    .map((instruction) => instruction.args.split('=')[0].trim());
}

/** The command of a HEALTHCHECK instruction (options dropped), as a list like a compose healthcheck's test. */
export function dockerfileHealthcheck(stage: DockerfileStage): string[] | undefined {
  const instruction = stage.instructions.filter((each) => each.keyword === 'HEALTHCHECK').at(-1);
  if (!instruction) return undefined;
  const command = /\bCMD\s+([\s\S]*)$/.exec(instruction.args)?.[1]?.trim();
  if (command === undefined) return undefined; // HEALTHCHECK NONE
  return command.startsWith('[') ? ['CMD', ...(JSON.parse(command) as string[])] : ['CMD-SHELL', command];
}

/** host and port of a `host:port` endpoint or of a URL. */
export function hostPort(endpoint: string): { host: string; port: number } {
  const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `tcp://${endpoint}`);
  const defaults: Record<string, number> = { 'http:': 80, 'https:': 443 };
  return { host: url.hostname, port: url.port ? Number(url.port) : (defaults[url.protocol] ?? NaN) };
}
