// The services' databases for a benchmark run: the real PostgreSQL named by USER_DATABASE_URL / ORDER_DATABASE_URL
// (as `npm start` uses them), or else an in-memory embedded PostgreSQL (PGlite) per service, each in a process of its
// own so it never shares an event loop with the load generator. Migrated before the first app starts.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { migrate } from '../db/migrate.mts';
import { SERVICE_NAMES, databaseUrlVariable } from '../services.mts';
import { stopChild } from './proc.ts';

const ROOT = join(import.meta.dirname, '..', '..');

export interface Databases {
  urls: Record<string, string>;
  /** `PostgreSQL` or `embedded PGlite`, for the report. */
  kind: string;
  stop(): Promise<void>;
}

export async function startDatabases(): Promise<Databases> {
  const children: ChildProcess[] = [];
  const stop = async () => void (await Promise.all(children.map(stopChild)));
  try {
    const urls = {} as Record<string, string>;
    for (const service of SERVICE_NAMES) {
      urls[service] = process.env[databaseUrlVariable(service)] || (await startEmbedded(children));
      await migrate({ service, databaseUrl: urls[service] });
    }
    return { urls, kind: children.length > 0 ? 'embedded PGlite' : 'PostgreSQL', stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function startEmbedded(children: ChildProcess[]): Promise<string> {
  const child = spawn(process.execPath, [join(ROOT, 'tools/db/embedded-postgres.mts'), '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  // The tool prints one JSON line, {"ready":true,"url":...}, once it serves.
  for await (const line of createInterface({ input: child.stdout })) {
    if (!line.includes('"ready":true')) continue;
    child.stdout.resume(); // leaving the loop closed readline, which paused the pipe
    return (JSON.parse(line) as { url: string }).url;
  }
  throw new Error('the embedded PostgreSQL exited before it was ready');
}
