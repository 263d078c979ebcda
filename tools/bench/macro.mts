// The system benchmark: for each round and mode, fresh apps from the build, a warm-up, then a fixed load on each
// endpoint (autocannon, the library: a fixed count of connections for a fixed time, one endpoint at a time),
// measuring the load generator's view (throughput, latency) and the apps' own CPU time and memory.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { type AppSet, freePort, startApps } from './apps.mts';
import type { Databases } from './databases.mts';
import { SERVICE_NAMES, databaseUrlVariable } from '../services.mts';
import { type Mode, schedule, tracingEnv } from './modes.ts';
import { startOtlpSink } from './otlp-sink.mts';
import { processUsage } from './proc.ts';
import type { AppSample, LoadResult, LoadSample } from './report.ts';

export interface MacroOptions {
  rounds: number;
  modes: readonly Mode[];
  connections: number;
  warmupSeconds: number;
  seconds: number;
  logLevel: string;
  transport: string;
  logDir: string;
  /** NODE_OPTIONS for the apps, e.g. to profile them. */
  nodeOptions?: string;
}

export async function runMacro(databases: Databases, options: MacroOptions, log: (line: string) => void) {
  const sink = await startOtlpSink();
  const endpoints = { receiver: sink.url, refusing: `http://127.0.0.1:${await freePort()}` };
  const load: LoadSample[] = [];
  const apps: AppSample[] = [];
  let userId: string | undefined;
  let exportedBytes: number;
  try {
    for (const { round, mode } of schedule(options.rounds, options.modes)) {
      const stack = await startApps(join(options.logDir, `round${round}-${mode}`), {
        ...baseEnv(options, databases),
        ...tracingEnv(mode, endpoints),
      });
      try {
        userId ??= await createUser(stack.gatewayUrl);
        const measured = await measureRound(stack, benchEndpoints(userId), options);
        load.push(...measured.load.map((sample) => ({ round, mode, ...sample })));
        apps.push(...measured.apps.map((sample) => ({ round, mode, ...sample })));
        const rates = measured.load.map((sample) => `${sample.endpoint} ${sample.requestsPerSecond.toFixed(0)} req/s`);
        log(`round ${round} ${mode}: ${rates.join(', ')}`);
      } finally {
        await stack.stop();
      }
    }
  } finally {
    exportedBytes = (await sink.stop()).bytes;
  }
  return { load, apps, exportedBytes };
}

function baseEnv(options: MacroOptions, databases: Databases): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    LOG_FORMAT: 'json',
    LOG_LEVEL: options.logLevel,
    TRANSPORT: options.transport,
    // The load comes from one address; the gateway's per-client rate limit would answer it with 429s.
    RATE_LIMIT_LIMIT: '0',
    ...Object.fromEntries(SERVICE_NAMES.map((service) => [databaseUrlVariable(service), databases.urls[service]])),
    NODE_OPTIONS: options.nodeOptions,
  };
}

type Endpoint = { name: string; method: 'GET' | 'POST'; path: string; body?: unknown };

function benchEndpoints(userId: string): Endpoint[] {
  const order = { userId, items: [{ sku: 'BENCH-1', quantity: 2, unitPriceCents: 1999 }] };
  return [
    { name: 'POST /orders', method: 'POST', path: '/orders', body: order },
    { name: 'GET /users/:id', method: 'GET', path: `/users/${userId}` },
  ];
}

async function createUser(gatewayUrl: string): Promise<string> {
  const response = await fetch(`${gatewayUrl}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `bench-${randomUUID()}@example.com`, name: 'Bench' }),
  });
  if (response.status !== 201) throw new Error(`POST /users answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

async function measureRound(stack: AppSet, endpoints: Endpoint[], options: MacroOptions) {
  const pids = stack.apps.map(({ pid }) => pid);
  const cpuSeconds = () => pids.reduce((total, pid) => total + processUsage(pid).cpuSeconds, 0);
  for (const endpoint of endpoints) await drive(stack.gatewayUrl, endpoint, options.connections, options.warmupSeconds);
  const rssAfterWarmup = pids.map((pid) => processUsage(pid).rssMb);
  const load: Omit<LoadSample, 'round' | 'mode'>[] = [];
  for (const endpoint of endpoints) {
    const cpuBefore = cpuSeconds();
    const result = await drive(stack.gatewayUrl, endpoint, options.connections, options.seconds);
    const cpu = cpuSeconds() - cpuBefore;
    if (result.non2xx > 0 || result.errors > 0) {
      throw new Error(`${endpoint.name}: ${result.non2xx} non-2xx responses and ${result.errors} errors under load`);
    }
    load.push({ endpoint: endpoint.name, ...result, cpuSecondsPer1000: (cpu / result.responses) * 1000 });
  }
  const apps = stack.apps.map(({ app, pid, readyMs }, index) => {
    const usage = processUsage(pid);
    return { app, readyMs, peakRssMb: usage.peakRssMb, rssGrowthMb: usage.rssMb - rssAfterWarmup[index]! };
  });
  return { load, apps };
}

async function drive(baseUrl: string, endpoint: Endpoint, connections: number, seconds: number): Promise<LoadResult> {
  const result = await autocannon({
    url: `${baseUrl}${endpoint.path}`,
    method: endpoint.method,
    connections,
    duration: seconds,
    ...(endpoint.body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(endpoint.body) }),
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    responses: result['2xx'] + result.non2xx,
    non2xx: result.non2xx,
    // autocannon counts a timeout as an error too.
    errors: result.errors,
  };
}
