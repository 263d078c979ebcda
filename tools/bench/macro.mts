// The system benchmark: for each round and mode, fresh apps from the build, a warm-up, then a fixed load on each
// endpoint, measuring the load generator's view (throughput, latency) and the apps' own CPU time and memory.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { type AppSet, freePort, startApps } from './apps.mts';
import type { Databases } from './databases.mts';
import { drive, type Endpoint } from './load.mts';
import { type Mode, schedule, tracingEnv } from './modes.ts';
import { startOtlpSink } from './otlp-sink.mts';
import { processUsage } from './proc.ts';
import type { AppSample, LoadSample } from './report.ts';

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

export async function runMacro(
  databases: Databases,
  options: MacroOptions,
  log: (line: string) => void,
): Promise<{ load: LoadSample[]; apps: AppSample[]; exportedBytes: number }> {
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
    USER_DATABASE_URL: databases.urls.user,
    ORDER_DATABASE_URL: databases.urls.order,
    ...(options.nodeOptions ? { NODE_OPTIONS: options.nodeOptions } : {}),
  };
}

function benchEndpoints(userId: string): Endpoint[] {
  return [
    {
      name: 'POST /orders',
      method: 'POST',
      path: '/orders',
      body: { userId, items: [{ sku: 'BENCH-1', quantity: 2, unitPriceCents: 1999 }] },
    },
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
  for (const endpoint of endpoints) {
    await drive(stack.gatewayUrl, endpoint, { connections: options.connections, seconds: options.warmupSeconds });
  }
  const rssAfterWarmup = pids.map((pid) => processUsage(pid).rssMb);
  const load: Omit<LoadSample, 'round' | 'mode'>[] = [];
  for (const endpoint of endpoints) {
    const cpuBefore = cpuSeconds();
    const result = await drive(stack.gatewayUrl, endpoint, {
      connections: options.connections,
      seconds: options.seconds,
    });
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
