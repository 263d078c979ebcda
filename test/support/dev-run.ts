// `npm run dev` as the README runs it, for the specs that follow the README (readme-quickstart, dev-traces): its
// commands verbatim, in a throwaway copy of the repository, on free ports.
import { SERVICES } from '@app/config';
import { AppProcess } from './app-process';
import { freePort, freePortForReplicas } from './ports';
import type { RepoCopy } from './repo-copy';
import { waitUntil } from './wait';

export const DEV = 'npm run dev';
export const CREATE_USER = `curl -s -XPOST localhost:3000/users -H 'content-type: application/json' -d '{"email":"ada@example.com","name":"Ada Lovelace"}'`;
export const CREATE_ORDER = `curl -si -XPOST localhost:3000/orders -H 'content-type: application/json' -H 'traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' -d '{"userId":"5b0e…","items":[{"sku":"BOOK-1","quantity":2,"unitPriceCents":1500}]}'`;
export const README_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
export const README_PARENT_SPAN_ID = '00f067aa0ba902b7';

/** Start-up compiles the three apps (Nest CLI watch mode) on what may be two busy cores: be generous. */
export const START_DEADLINE_MS = 300_000;

/** The README's curl command against the test's gateway port, with the README's placeholder user id replaced. */
export function asRun(command: string, gatewayPort: number, userId?: string): string {
  const rewritten = command.replace('localhost:3000', `localhost:${gatewayPort}`);
  return userId ? rewritten.replace('"userId":"5b0e…"', `"userId":"${userId}"`) : rewritten;
}

/** The port variables of everything `npm run dev` opens, each set to a free port (tools/run.mts reads them). */
export type DevPorts = { GATEWAY_PORT: string } & Record<string, string>;

/** Ports for the gateway and every service of libs/config's registry: HTTP (with room for replicas), RPC, database. */
export async function devPorts(replicas: number): Promise<DevPorts> {
  const ports: DevPorts = { GATEWAY_PORT: String(await freePort()) };
  for (const { envPrefix } of Object.values(SERVICES)) {
    ports[`${envPrefix}_HTTP_PORT`] = String(await freePortForReplicas(replicas));
    ports[`${envPrefix}_RPC_PORT`] = String(await freePort());
    ports[`EMBEDDED_${envPrefix}_DB_PORT`] = String(await freePort());
  }
  return ports;
}

/**
 * The environment of a developer's shell: this one, without anything that would change what `npm run dev` does
 * (Jest's NODE_ENV=test, database URLs, a transport, log format or OTEL_* setting someone exported), plus the test's
 * ports, and the OTLP endpoint when one is given (without one, `npm run dev` prints the trace trees itself).
 */
export function devEnvironment(
  ports: DevPorts,
  otlpEndpoint: string | undefined,
  extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (
      /^(NODE_ENV|TRANSPORT|NATS_URL|RABBITMQ_URL|LOG_FORMAT|LOG_LEVEL|DEV_TRACES)$|_REPLICAS$/.test(name) ||
      /_DATABASE_URL$|^OTEL_/.test(name)
    ) {
      delete env[name];
    }
  }
  // Spans leave within 200 ms instead of the default 5 s; the export path is the same.
  const otlp = otlpEndpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint, OTEL_BSP_SCHEDULE_DELAY: '200' } : {};
  return { ...env, ...ports, ...otlp, ...extra };
}

export function startDev(command: string, copy: RepoCopy, env: NodeJS.ProcessEnv): AppProcess {
  return new AppProcess(command, 'bash', ['-c', command], env, { cwd: copy.dir, detached: true });
}

export async function waitReady(dev: AppProcess, url: string): Promise<void> {
  await waitUntil(async () => !dev.running || (await fetch(`${url}/health/ready`)).ok, {
    timeoutMs: START_DEADLINE_MS,
    intervalMs: 500,
    description: () => `${url} never became ready; \`${dev.name}\` output:\n${dev.tail(60)}`,
  });
  if (!dev.running) throw new Error(`\`${dev.name}\` exited during start-up:\n${dev.tail(60)}`);
}
