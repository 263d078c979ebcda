// Runs the whole system in one terminal: `npm run dev` (watch mode) and `npm start` (built apps).
// For each service of libs/config/src/services.json without its <NAME>_DATABASE_URL, it starts an embedded PostgreSQL
// (PGlite, kept under .data/) and applies the migrations, so a machine with only Node.js runs everything. A crashed app
// restarts with backoff (run/supervise.ts). SIGINT or SIGTERM stops all.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './db/embedded-postgres.mts';
import { migrate } from './db/migrate.mts';
import { type DevTraces, startDevTraces } from './dev-traces/receiver.mts';
import { APP_NAMES, SERVICE_NAMES, databaseUrlVariable, envPrefix, httpPortOf, portsOf } from './services.mts';
import { type Supervised, supervise } from './run/supervise.ts';

const ROOT = join(import.meta.dirname, '..');
const NEST_CLI = join(ROOT, 'node_modules/@nestjs/cli/bin/nest.js');

const mode = process.argv[2];
if (mode !== 'dev' && mode !== 'start') {
  console.error('usage: node tools/run.mts dev|start');
  process.exit(2);
}
if (existsSync(join(ROOT, '.env'))) process.loadEnvFile(join(ROOT, '.env'));
if (mode === 'dev') process.env.LOG_FORMAT ??= 'pretty';
const TRANSPORT = process.env.TRANSPORT ?? 'tcp';

const databases: EmbeddedPostgres[] = [];
const children: Supervised[] = [];
let devTraces: DevTraces | undefined;
let stopping = false;
const log = (message: string) => console.log(`[run] ${message}`);

/** `USER_REPLICAS=2` runs two user services; only brokers (NATS, RabbitMQ) can share work between replicas. */
function replicasOf(app: string): number {
  if (app === 'gateway') return 1;
  const variable = `${envPrefix(app)}_REPLICAS`;
  const replicas = Number(process.env[variable] ?? 1);
  if (!Number.isInteger(replicas) || replicas < 1) throw new Error(`${variable} must be a whole number >= 1`);
  if (replicas > 1 && TRANSPORT !== 'nats' && TRANSPORT !== 'rmq') {
    throw new Error(`${variable}=${replicas} needs TRANSPORT=nats or rmq (a ${TRANSPORT} server owns its port)`);
  }
  return replicas;
}

async function main(): Promise<void> {
  const replicas = new Map(APP_NAMES.map((app) => [app, replicasOf(app)]));
  for (const service of SERVICE_NAMES) {
    const variable = databaseUrlVariable(service);
    if (!process.env[variable]) {
      const port = Number(
        process.env[`EMBEDDED_${envPrefix(service)}_DB_PORT`] ?? portsOf(service).embeddedDatabasePort,
      );
      const dataDir = join(ROOT, '.data', service);
      mkdirSync(dataDir, { recursive: true });
      const database = await startEmbeddedPostgres({ port, dataDir });
      databases.push(database);
      process.env[variable] = database.url;
      log(`${service}: embedded PostgreSQL on ${database.url} (data in .data/${service})`);
    }
    await migrate({ service, databaseUrl: process.env[variable], log });
  }
  devTraces = mode === 'dev' ? await startDevTraces(process.env) : undefined;
  Object.assign(process.env, devTraces?.env);
  for (const app of APP_NAMES) children.push(supervised(app, 0));
  for (const [app, count] of replicas) {
    // In watch mode the first replica's Nest CLI builds; the others run its output and restart when it changes.
    if (count > 1 && mode === 'dev') await waitForHttp(httpPort(app, 0));
    for (let replica = 1; replica < count; replica++) children.push(supervised(app, replica));
  }
  log(`transport ${TRANSPORT}; ${[...replicas].map(([app, count]) => `${app} x${count}`).join(', ')}`);
  log(`gateway on http://localhost:${httpPort('gateway', 0)} (Swagger UI at /docs)`);
  if (devTraces) log('each trace prints here once complete (DEV_TRACES=off silences them)');
}

/** Replica n of a service serves health on its HTTP port + 10 × n (3001, 3011, 3021…). */
function httpPort(app: string, replica: number): number {
  const { variable, port } = httpPortOf(app);
  return Number(process.env[variable] ?? port) + 10 * replica;
}

function supervised(app: string, replica: number): Supervised {
  const entry = join(ROOT, 'dist/apps', app, 'apps', app, 'src/main.js');
  const nestWatch = [NEST_CLI, 'start', app, '--watch', '--preserveWatchOutput'];
  const args = mode === 'start' ? [entry] : replica === 0 ? nestWatch : ['--watch', entry];
  const env = { ...process.env, [httpPortOf(app).variable]: String(httpPort(app, replica)) };
  // Its own process group, so a stop reaches what the Nest CLI spawns under it (tsc, the app).
  const start = () => spawn(process.execPath, args, { cwd: ROOT, stdio: 'inherit', env, detached: true });
  return supervise(replica ? `${app} replica ${replica}` : app, start, { log });
}

async function waitForHttp(port: number): Promise<void> {
  while (!stopping) {
    const response = await fetch(`http://127.0.0.1:${port}/health/live`).catch(() => undefined);
    if (response?.ok) return;
    await sleep(250);
  }
}

async function stop(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await Promise.all(children.map((child) => child.stop()));
  await devTraces?.stop();
  await Promise.all(databases.map((database) => database.stop()));
  process.exit(exitCode);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(0));
main().catch((error: unknown) => {
  console.error('[run] failed to start:', error);
  void stop(1);
});
