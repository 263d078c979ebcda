// The apps of one benchmark round, started from the production build (dist/) one after another, each timed
// from spawn to its first ready answer on /health/ready: that is the cold start the report shows. Their logs go to
// files, as in production, so the bench process does not spend the shared CPU reading them.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { APP_NAMES, SERVICE_NAMES, httpPortOf, rpcPortVariable } from '../services.mts';
import { stopChild } from './proc.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const READY_TIMEOUT_MS = 60_000;

export interface RunningApp {
  app: string;
  pid: number;
  url: string;
  /** Milliseconds from spawn to the first 200 from /health/ready. */
  readyMs: number;
}

export type AppSet = { apps: RunningApp[]; gatewayUrl: string; stop(): Promise<void> };

/** Starts the apps in turn (the gateway is ready once the services answer it), logging to `<logPrefix>-<app>.log`. */
export async function startApps(logPrefix: string, env: NodeJS.ProcessEnv): Promise<AppSet> {
  const shared = { ...env };
  for (const service of SERVICE_NAMES) shared[rpcPortVariable(service)] = String(await freePort());
  const children: ChildProcess[] = [];
  const stop = async () => void (await Promise.all(children.map(stopChild)));
  const apps: RunningApp[] = [];
  try {
    for (const app of APP_NAMES) apps.push(await startApp(app, shared, `${logPrefix}-${app}.log`, children));
  } catch (error) {
    await stop();
    throw error;
  }
  return { apps, gatewayUrl: apps.find(({ app }) => app === 'gateway')!.url, stop };
}

async function startApp(app: string, env: NodeJS.ProcessEnv, logFile: string, children: ChildProcess[]) {
  const entry = join(ROOT, 'dist/apps', app, 'apps', app, 'src/main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  const port = await freePort();
  const log = openSync(logFile, 'w');
  const started = performance.now();
  const child = spawn(process.execPath, [entry], {
    cwd: ROOT,
    env: { ...env, [httpPortOf(app).variable]: String(port) },
    stdio: ['ignore', log, log],
  });
  closeSync(log); // the child has its own copy
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url, child, () => `${app} (log ${logFile}):\n${tail(logFile)}`);
  return { app, pid: child.pid!, url, readyMs: performance.now() - started };
}

/** Polls /health/ready every 10 ms (a fine grain, since its time is the cold start) until 200 or the deadline. */
async function waitReady(url: string, child: ChildProcess, describe: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited during start-up: ${describe()}`);
    const response = await fetch(`${url}/health/ready`).catch(() => undefined);
    if (response?.ok) return;
    await delay(10);
  }
  throw new Error(`not ready within ${READY_TIMEOUT_MS} ms: ${describe()}`);
}

/** A loopback port free now (bound to port 0, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function tail(file: string, lines = 20): string {
  return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}
