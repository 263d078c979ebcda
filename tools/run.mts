// Runs the whole system in one terminal: `npm run dev` (watch mode) and `npm start` (built apps).
//
//   node tools/run.mts dev|start
//
// Without USER_DATABASE_URL / ORDER_DATABASE_URL it starts an embedded PostgreSQL per service (PGlite, kept under
// .data/) and applies the migrations, so a machine with only Node.js runs everything. SIGINT or SIGTERM stops all.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './db/embedded-postgres.mts';
import { migrate } from './db/migrate.mts';
import { SERVICES, type Service, urlVariable } from './db/schema-engine.mts';

const ROOT = join(import.meta.dirname, '..');
const APPS = ['user', 'order', 'gateway'] as const;
type App = (typeof APPS)[number];
const EMBEDDED_PORTS: Record<Service, number> = { user: 5433, order: 5434 };

const mode = process.argv[2];
if (mode !== 'dev' && mode !== 'start') {
  console.error('usage: node tools/run.mts dev|start');
  process.exit(2);
}
if (existsSync(join(ROOT, '.env'))) process.loadEnvFile(join(ROOT, '.env'));
if (mode === 'dev') process.env.LOG_FORMAT ??= 'pretty';

const databases: EmbeddedPostgres[] = [];
const children = new Map<App, ChildProcess>();
let stopping = false;

async function main(): Promise<void> {
  for (const service of SERVICES) {
    const variable = urlVariable(service);
    if (!process.env[variable]) {
      const port = Number(process.env[`EMBEDDED_${service.toUpperCase()}_DB_PORT`] ?? EMBEDDED_PORTS[service]);
      const dataDir = join(ROOT, '.data', service);
      mkdirSync(dataDir, { recursive: true });
      const database = await startEmbeddedPostgres({ port, dataDir });
      databases.push(database);
      process.env[variable] = database.url;
      log(`${service}: embedded PostgreSQL on ${database.url} (data in .data/${service})`);
    }
    const applied = await migrate({ service, databaseUrl: process.env[variable] });
    if (applied.length > 0) log(`${service}: applied migrations ${applied.join(', ')}`);
  }
  for (const app of APPS) children.set(app, startApp(app));
  log(`gateway on http://localhost:${process.env.GATEWAY_PORT ?? 3000} (Swagger UI at /docs)`);
}

function startApp(app: App): ChildProcess {
  const [command, args] =
    mode === 'dev'
      ? [
          process.execPath,
          [join(ROOT, 'node_modules/@nestjs/cli/bin/nest.js'), 'start', app, '--watch', '--preserveWatchOutput'],
        ]
      : [process.execPath, [join(ROOT, 'dist/apps', app, 'apps', app, 'src/main.js')]];
  // Its own process group, so a stop reaches what the Nest CLI spawns under it (tsc, the app).
  const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', env: process.env, detached: true });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    log(`${app} exited (${signal ?? code}); stopping the others`);
    void stop(1);
  });
  return child;
}

async function stop(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await Promise.all(
    [...children.values()].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          process.kill(-child.pid!, 'SIGTERM');
        }),
    ),
  );
  await Promise.all(databases.map((database) => database.stop()));
  process.exit(exitCode);
}

function log(message: string): void {
  console.log(`[run] ${message}`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(0));
main().catch((error: unknown) => {
  console.error('[run] failed to start:', error);
  void stop(1);
});
