import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AppProcess } from './app-process';
import { query } from './query';

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
  try {
    await run(process.execPath, [join(root, 'tools/db/migrate.mts'), service, database.url], { cwd: root });
    return database;
  } catch (error) {
    await database.drop();
    throw error;
  }
}

async function createOnServer(serverUrl: string, service: string): Promise<TestDatabase> {
  const name = `e2e_${service.replaceAll('-', '_')}_${randomBytes(4).toString('hex')}`;
  await query(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => void (await query(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

async function startEmbedded(service: string): Promise<TestDatabase> {
  const server = new AppProcess(
    `${service}-db`,
    process.execPath,
    [join(ROOT, 'tools/db/embedded-postgres.mts'), '--port', '0'],
    process.env,
  );
  // PGlite loads its WebAssembly and creates its data directory on start: seconds on a busy machine, hence a
  // wider deadline than an app's.
  const ready = await server
    .waitForLine((line) => line.includes('"ready":true'), 60_000)
    .catch(async (error) => {
      await server.stop(); // a database that never became ready must not outlive the test either
      throw error;
    });
  const { url } = JSON.parse(ready) as { url: string };
  return { url, drop: async () => void (await server.stop()) };
}
