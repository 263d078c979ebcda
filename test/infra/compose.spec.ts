// docker-compose.yml and the images it builds, checked without a Docker engine: the file validates, every built
// service names a Dockerfile stage that exists, every service has its own healthcheck and its dependents wait on it,
// every image is pinned, and the apps' environment is one the apps accept.
import { execFile, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SERVICE_NAMES, envPrefix, envSchema } from '@app/config';
import {
  APPS,
  HEALTHCHECK_SCRIPT,
  ROOT,
  bindMounts,
  composeBuild,
  composeDependencies,
  composeEnvironment,
  healthcheckTest,
  hostPort,
  isPinned,
  loadCompose,
  mountedAt,
  readYaml,
  type ComposeService,
} from './stack-files';
import { dockerfileStages, healthcheckCommand, instructionsOf, stageArgs, stageUser } from './dockerfile';

const compose = loadCompose();
const services = Object.entries(compose.services);
const built = services.filter(([, service]) => service.build !== undefined);

/** One-shot services (migrations): their dependents wait for them to exit 0, not to be healthy. */
const oneShot = services
  .map(([name]) => name)
  .filter((name) =>
    services.some(([, other]) => composeDependencies(other)[name] === 'service_completed_successfully'),
  );
const longRunning = services.filter(([name]) => !oneShot.includes(name));

function stageOf(service: ComposeService) {
  const build = composeBuild(service)!;
  return dockerfileStages(build.dockerfile).find((stage) => stage.name === build.target);
}

describe('docker-compose.yml', () => {
  // `docker-compose config -q` validates the file in .ci/run ("Compose file"), which installs docker-compose; here
  // `npm test` needs nothing but Node.js, so these checks read the file themselves.
  it('has the whole stack', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      [...APPS, 'migrate', 'postgres', 'nats', 'otel-collector', 'jaeger', 'prometheus', 'grafana'].sort(),
    );
  });

  describe.each(built)('%s (built)', (_name, service) => {
    const build = composeBuild(service)!;

    it('names a Dockerfile that exists and a stage of it', () => {
      expect(existsSync(build.dockerfile)).toBe(true);
      const stages = dockerfileStages(build.dockerfile);
      // An explicit target: the default (the last stage) is easy to change by accident.
      expect(build.target).toBeDefined();
      expect(stages.map((stage) => stage.name)).toContain(build.target);
    });

    it('runs as a non-root user: the USER of its stage, or its own compose user', () => {
      const user = service.user ?? stageUser(stageOf(service)!);
      expect(user).toBeDefined();
      expect(user).not.toMatch(/^(root|0)(:|$)/);
    });

    it('passes only build args the Dockerfile declares', () => {
      const declared = new Set(dockerfileStages(build.dockerfile).flatMap(stageArgs));
      for (const arg of Object.keys(build.args ?? {})) expect(declared).toContain(arg);
    });
  });

  it('has exactly one one-shot service, migrate, which never restarts', () => {
    expect(oneShot).toEqual(['migrate']);
    expect([undefined, 'no']).toContain(compose.services.migrate.restart);
  });

  describe.each(longRunning)('%s', (name, service) => {
    it('has a healthcheck of its own in the compose file', () => {
      // Defined here, not inherited from the image, so that `depends_on: service_healthy` means what this file says.
      const test = healthcheckTest(service);
      expect(test).toBeDefined();
      expect(['CMD', 'CMD-SHELL']).toContain(test![0]);
      expect(test!.length).toBeGreaterThan(1);
      expect(service.healthcheck?.interval).toBeDefined();
      expect(service.healthcheck?.timeout).toBeDefined();
      expect(service.healthcheck?.retries).toBeGreaterThan(0);
    });

    it('restarts unless stopped', () => {
      expect(service.restart).toBe('unless-stopped');
    });

    it(`is waited for by its dependents: ${name} is healthy or not started on`, () => {
      for (const [, other] of services) {
        const condition = composeDependencies(other)[name];
        if (condition !== undefined) expect(condition).toBe('service_healthy');
      }
    });
  });

  it('depends only on services that exist', () => {
    for (const [, service] of services) {
      for (const dependency of Object.keys(composeDependencies(service))) {
        expect(Object.keys(compose.services)).toContain(dependency);
      }
    }
  });

  it('starts the apps only after the migrations succeeded', () => {
    for (const app of SERVICE_NAMES) {
      expect(composeDependencies(compose.services[app]).migrate).toBe('service_completed_successfully');
    }
    const [, script] = compose.services.migrate.command as string[];
    expect(existsSync(join(ROOT, script))).toBe(true);
  });

  it.each(built.filter(([, service]) => composeBuild(service)?.target === 'runtime'))(
    '%s runs the same healthcheck as its image',
    (_name, service) => {
      expect(healthcheckTest(service)).toEqual(healthcheckCommand(stageOf(service)!));
    },
  );

  it.each(built)('%s: a probe binary the healthcheck runs by path is put there by its image', (_name, service) => {
    const probe = healthcheckTest(service)?.[1];
    if (!probe?.startsWith('/')) return;
    const copies = instructionsOf(stageOf(service)!, 'COPY').map((copy) => copy.getArguments().at(-1)?.getValue());
    expect(copies).toContain(probe);
  });

  it.each(services)('%s uses a pinned image (a version tag, not latest)', (_name, service) => {
    expect(service.image).toBeDefined();
    expect(isPinned(service.image!)).toBe(true);
  });

  it('builds from pinned base images', () => {
    const dockerfiles = new Set(built.map(([, service]) => composeBuild(service)!.dockerfile));
    for (const dockerfile of dockerfiles) {
      const stages = dockerfileStages(dockerfile);
      const stageNames = stages.map((stage) => stage.name);
      for (const { base } of stages) {
        if (!stageNames.includes(base))
          expect({ dockerfile, base, pinned: isPinned(base) }).toMatchObject({ pinned: true });
      }
    }
  });

  it.each(services)('%s: every bind-mounted file or directory exists', (_name, service) => {
    for (const mount of bindMounts(service)) {
      expect({ source: mount.source, exists: existsSync(mount.source) }).toEqual({
        source: mount.source,
        exists: true,
      });
      expect(mount.readOnly).toBe(true);
    }
  });
});

describe('the limits of docker-compose.yml', () => {
  const bytes = (size: string): number => {
    const [, value = 'NaN', unit = ''] = /^(\d+)\s*([kmg]i?b?)?$/i.exec(size) ?? [];
    return Number(value) * 1024 ** ' kmg'.indexOf(unit[0]?.toLowerCase() ?? ' ');
  };

  it.each(services)('%s has a memory limit and rotated logs', (_name, service) => {
    expect(bytes(String(service.mem_limit))).toBeGreaterThan(0);
    expect(service.logging).toMatchObject({ driver: 'json-file', options: { 'max-size': expect.any(String) } });
    expect(Number(service.logging?.options?.['max-file'])).toBeGreaterThan(0);
  });

  it("sets the Collector's GOMEMLIMIT below its container limit", () => {
    const collector = compose.services['otel-collector'];
    const limit = /^(\d+)MiB$/.exec(composeEnvironment(collector).GOMEMLIMIT ?? '');
    expect(limit).not.toBeNull();
    expect(Number(limit![1]) * 1024 ** 2).toBeLessThan(bytes(String(collector.mem_limit)));
  });

  it("publishes the Collector's OTLP ports on loopback, for apps run on the host", () => {
    expect(compose.services['otel-collector'].ports).toEqual(
      expect.arrayContaining(['127.0.0.1:4318:4318', '127.0.0.1:4317:4317']),
    );
  });

  it('gives Jaeger a config with a bounded in-memory store', () => {
    type JaegerConfig = {
      extensions: { jaeger_storage: { backends: Record<string, { memory?: { max_traces?: number } }> } };
    };
    const jaeger = compose.services.jaeger;
    const flag = (jaeger.command as string[]).find((word) => word.startsWith('--config='))!;
    const config = readYaml<JaegerConfig>(mountedAt(jaeger, flag.slice('--config='.length))!);
    const stores = Object.values(config.extensions.jaeger_storage.backends);
    expect(stores.length).toBeGreaterThan(0);
    for (const store of stores) expect(store.memory?.max_traces).toBeGreaterThan(0);
  });
});

describe('the apps in docker-compose.yml', () => {
  it.each(APPS)('%s gets an environment the apps accept, on NATS, exporting to the Collector', (app) => {
    const env = composeEnvironment(compose.services[app]);
    const parsed = envSchema.safeParse(env);
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(env).toMatchObject({ TRANSPORT: 'nats', NATS_URL: 'nats://nats:4222' });
    expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://otel-collector:4318');
    for (const variable of ['NATS_URL', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'USER_DATABASE_URL', 'ORDER_DATABASE_URL']) {
      expect(Object.keys(compose.services)).toContain(hostPort(env[variable]).host);
    }
  });

  it('uses databases the PostgreSQL init script creates', () => {
    const init = readFileSync(join(ROOT, 'docker', 'postgres', 'init-databases.sql'), 'utf8');
    const created = [...init.matchAll(/CREATE DATABASE\s+(\w+)/gi)].map((match) => match[1]);
    const env = composeEnvironment(compose.services.user);
    const used = SERVICE_NAMES.map((service) => new URL(env[`${envPrefix(service)}_DATABASE_URL`]).pathname.slice(1));
    expect(created.sort()).toEqual(used.sort());
  });
});

describe('docker/healthcheck.cjs (the apps’ image healthcheck)', () => {
  const script = (env: Record<string, string>): Promise<{ code: number; stderr: string }> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [HEALTHCHECK_SCRIPT],
        { env: { PATH: process.env.PATH, ...env } },
        (error, _out, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }),
      );
    });

  async function serve(status: number): Promise<{ port: number; close: () => Promise<void>; paths: string[] }> {
    const paths: string[] = [];
    const server = createServer((request, response) => {
      paths.push(request.url ?? '');
      response.writeHead(status).end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    return { port, paths, close: () => new Promise((done) => server.close(() => done())) };
  }

  it("reads each app's port variable, with the defaults of env.schema.ts", () => {
    const ports = JSON.parse(
      execFileSync(
        process.execPath,
        ['-p', `JSON.stringify(require(${JSON.stringify(HEALTHCHECK_SCRIPT)}).HTTP_PORTS)`],
        {
          encoding: 'utf8',
        },
      ),
    ) as Record<string, { variable: string; fallback: number }>;
    const defaults = envSchema.parse({}) as Record<string, unknown>;
    expect(Object.keys(ports).sort()).toEqual([...APPS].sort());
    for (const { variable, fallback } of Object.values(ports)) {
      expect(Object.keys(envSchema.shape)).toContain(variable);
      expect(defaults[variable]).toBe(fallback);
    }
  });

  it('exits 0 when /health/live answers 2xx, on the port of the app named by APP', async () => {
    const server = await serve(200);
    try {
      expect(await script({ APP: 'order', ORDER_HTTP_PORT: String(server.port) })).toEqual({ code: 0, stderr: '' });
      expect(server.paths).toEqual(['/health/live']);
    } finally {
      await server.close();
    }
  });

  it('exits 1 with the reason when the app answers an error, is not listening, or APP is unknown', async () => {
    const server = await serve(503);
    const { port } = server;
    try {
      const unhealthy = await script({ APP: 'gateway', GATEWAY_PORT: String(port) });
      expect(unhealthy.code).toBe(1);
      expect(unhealthy.stderr).toContain('answered 503');
    } finally {
      await server.close();
    }
    const down = await script({ APP: 'user', USER_HTTP_PORT: String(port) });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('ECONNREFUSED');
    const unknown = await script({ APP: 'billing' });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown APP "billing"');
  });
});
