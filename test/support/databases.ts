import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { AppProcess } from './app-process';

const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database per service. With E2E_DATABASE_URL set (CI does this), databases are created on
 * that real PostgreSQL server; otherwise each one is an embedded PGlite server, as `npm run dev` uses.
 * `root` is the repository whose migrations are applied (a generated copy in test/new-service.e2e-spec.ts).
 */
export async function createTestDatabase(service: string, root = ROOT): Promise<TestDatabase> {
  const database = process.env.E2E_DATABASE_URL
    ? await createOnServer(process.env.E2E_DATABASE_URL, service)
    : await startEmbedded(service);
  await run(process.execPath, [join(root, 'tools/db/migrate.mts'), service, database.url], { cwd: root });
  return database;
}

async function createOnServer(serverUrl: string, service: string): Promise<TestDatabase> {
  const name = `e2e_${service.replaceAll('-', '_')}_${randomBytes(4).toString('hex')}`;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () =>
      void (await withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}

async function startEmbedded(service: string): Promise<TestDatabase> {
  const server = new AppProcess(
    `${service}-db`,
    process.execPath,
    [join(ROOT, 'tools/db/embedded-postgres.mts'), '--port', '0'],
    process.env,
  );
  const ready = await server.waitForLine((line) => line.includes('"ready":true'));
  const { url } = JSON.parse(ready) as { url: string };
  return { url, drop: async () => void (await server.stop()) };
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
