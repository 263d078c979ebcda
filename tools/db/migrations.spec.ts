// The migration tooling end to end: embedded PostgreSQL, migrate and the drift check, each run as the CLI a
// developer or CI runs. Jest compiles specs to CommonJS, and the tools are ESM TypeScript that only Node's type
// stripping runs, so they are child processes here, never imports.
import { type ChildProcessByStdio, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { SERVICE_NAMES, envPrefix } from '@app/config';
import { query } from '../../test/support/query';

const DB_TOOLS = __dirname;
const ROOT = join(__dirname, '..', '..');

/** The committed migrations of a service, in the order Prisma applies them (their names sort by timestamp). */
function committedMigrations(service: string): string[] {
  const dir = join(ROOT, 'apps', service, 'prisma', 'migrations');
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

type Result = { code: number; stdout: string; stderr: string };

function runTool(tool: string, args: string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve) => {
    const options = { env: { ...process.env, ...env } };
    execFile(process.execPath, [join(DB_TOOLS, tool), ...args], options, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

type Embedded = { url: string; process: ChildProcessByStdio<null, Readable, Readable> };

/** Starts the embedded PostgreSQL CLI on a free port and resolves with its URL once it prints its ready line. */
async function startEmbedded(): Promise<Embedded> {
  const child = spawn(process.execPath, [join(DB_TOOLS, 'embedded-postgres.mts'), '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`embedded-postgres exited (${String(code)}) before it was ready: ${stderr}`);
  });
  const [line] = (await Promise.race([once(lines, 'line'), exited])) as [string];
  lines.close();
  const ready = JSON.parse(line) as { ready: boolean; url: string };
  expect(ready).toEqual({
    ready: true,
    url: expect.stringMatching(/^postgresql:\/\/postgres:postgres@127\.0\.0\.1:\d+\/postgres\?sslmode=disable$/),
  });
  return { url: ready.url, process: child };
}

async function stop(embedded: Embedded | undefined): Promise<number | null> {
  if (!embedded || embedded.process.exitCode !== null) return embedded?.process.exitCode ?? null;
  const exit = once(embedded.process, 'exit');
  embedded.process.kill('SIGTERM');
  const [code] = (await exit) as [number | null];
  return code;
}

const COLUMNS_SQL = `
  SELECT table_name || '.' || column_name AS col
  FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1`;

describe('database migrations (schema engine Wasm + embedded PostgreSQL)', () => {
  jest.setTimeout(120_000);

  // One database per service, as in production: embedded instances side by side.
  const databases = new Map<string, Embedded>();
  let userDb: Embedded | undefined;
  let orderDb: Embedded | undefined;

  beforeAll(async () => {
    const started = await Promise.all(SERVICE_NAMES.map(() => startEmbedded()));
    SERVICE_NAMES.forEach((service, i) => databases.set(service, started[i]));
    [userDb, orderDb] = [databases.get('user'), databases.get('order')];
  });

  afterAll(async () => {
    // Each must shut down cleanly on SIGTERM.
    expect(await Promise.all([...databases.values()].map(stop))).toEqual(SERVICE_NAMES.map(() => 0));
  });

  it('applies every migration of every service, then nothing on a second run', async () => {
    const env = Object.fromEntries(
      SERVICE_NAMES.map((service) => [`${envPrefix(service)}_DATABASE_URL`, databases.get(service)!.url]),
    );
    const first = await runTool('migrate.mts', [], env);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toBe(
      SERVICE_NAMES.map((service) => `${service}: applied ${committedMigrations(service).join(', ')}\n`).join(''),
    );
    expect(committedMigrations('user')[0]).toMatch(/^\d{14}_init$/);

    const second = await runTool('migrate.mts', [], env);
    expect(second).toEqual({
      code: 0,
      stdout: SERVICE_NAMES.map((service) => `${service}: no pending migrations\n`).join(''),
      stderr: '',
    });

    const single = await runTool('migrate.mts', ['user', userDb!.url]);
    expect(single).toEqual({ code: 0, stdout: 'user: no pending migrations\n', stderr: '' });
  });

  it('creates the tables and columns of schema.prisma', async () => {
    const userCols = (await query<{ col: string }>(userDb!.url, COLUMNS_SQL)).map((r) => r.col);
    expect(userCols).toEqual(
      expect.arrayContaining(['users.id', 'users.email', 'users.name', 'users.order_count', 'users.created_at']),
    );
    const orderCols = (await query<{ col: string }>(orderDb!.url, COLUMNS_SQL)).map((r) => r.col);
    expect(orderCols).toEqual(
      expect.arrayContaining([
        'orders.id',
        'orders.user_id',
        'orders.status',
        'orders.total_cents',
        'orders.created_at',
        'order_items.id',
        'order_items.order_id',
        'order_items.sku',
        'order_items.quantity',
        'order_items.unit_price_cents',
        'orders.idempotency_key',
        'orders.request_fingerprint',
        'outbox_events.trace_context',
        'outbox_events.next_attempt_at',
        'outbox_events.published_at',
      ]),
    );
    // Recorded the way `prisma migrate deploy` records them, so the real CLI can take over.
    const history = await query<{ migration_name: string; finished: boolean; checksum: string }>(
      orderDb!.url,
      'SELECT migration_name, finished_at IS NOT NULL AS finished, checksum FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(history).toEqual(
      committedMigrations('order').map((name) => ({
        migration_name: name,
        finished: true,
        checksum: expect.stringMatching(/^[0-9a-f]{64}$/),
      })),
    );
  });

  it.each(SERVICE_NAMES)('%s: the committed migrations match schema.prisma (no drift)', async (service) => {
    // Fails when schema.prisma changed without a migration: run `npm run db:migration:new -- <service> <name>`.
    expect(await runTool('migration-diff.mts', [service, '--exit-code'])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it.each(SERVICE_NAMES)('%s: the migrated database matches schema.prisma', async (service) => {
    const url = databases.get(service)!.url;
    expect(await runTool('migration-diff.mts', [service, '--from-url', url, '--exit-code'])).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
  });

  it('names the missing variable when a database URL is not set', async () => {
    const result = await runTool('migrate.mts', [], { USER_DATABASE_URL: userDb!.url, ORDER_DATABASE_URL: '' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ORDER_DATABASE_URL is not set');
  });
});
