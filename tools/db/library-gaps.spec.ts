// The two library gaps that tools/db wraps, each checked against the installed library. When an upgrade fixes a gap,
// its "still has the gap" test fails: delete the wrapper then. When an upgrade changes what a wrapper relies on, its
// "closes the gap" test fails. Jest compiles specs to CommonJS and the tools are ESM, so a child Node runs the probes.
import { join } from 'node:path';
import { mustRun } from '../../test/support/run';

/** Runs `body` as an ES module with the tools/db module `module` imported as `tools`; resolves with what it prints. */
async function probe<T>(module: string, body: string): Promise<T> {
  const script = `import * as tools from ${JSON.stringify(join(__dirname, module))};\n${body}`;
  const stdout = await mustRun(process.execPath, ['--input-type=module', '-e', script], { cwd: __dirname });
  return JSON.parse(stdout) as T;
}

// Runs the given SQL through an adapter on a fresh embedded PostgreSQL and reports what came back.
const ADAPTER_PROBE = `
import { PrismaPg } from '@prisma/adapter-pg';
import { startEmbeddedPostgres } from './embedded-postgres.mts';
const pg = await startEmbeddedPostgres();
const adapter = USE_WRAPPER ? await tools.connectMigrationAdapter(pg.url) : await new PrismaPg(pg.url).connect();
const attempt = (work) => work().then((value) => ({ ok: value ?? true }), (error) => ({ error: error.cause ?? error.message }));
const outcome = {
  charColumn: await attempt(async () =>
    (await adapter.queryRaw({ sql: "SELECT contype FROM pg_constraint LIMIT 1", args: [], argTypes: [] })).columnTypes),
  functionBody: await attempt(() => adapter.executeScript(
    "CREATE FUNCTION one() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$; SELECT one();")),
  failingScript: await attempt(() => adapter.executeScript("CREATE TABLE half_applied (id int); SELECT 1 / 0;")),
  leftBehind: (await adapter.queryRaw({ sql: "SELECT to_regclass('half_applied') IS NOT NULL AS exists", args: [], argTypes: [] })).rows[0][0],
};
await adapter.dispose();
await pg.stop();
console.log(JSON.stringify(outcome));
`;

describe('the library gaps tools/db wraps', () => {
  jest.setTimeout(60_000);

  describe('@prisma/adapter-pg, as the schema engine uses it (migration-adapter.mts)', () => {
    it('still has the gaps: a "char" column is refused and a script is split at every ";"', async () => {
      const outcome = await probe<Record<string, unknown>>(
        'migration-adapter.mts',
        ADAPTER_PROBE.replace('USE_WRAPPER', 'false'),
      );
      expect(outcome.charColumn).toEqual({ error: { kind: 'UnsupportedNativeDataType', type: 'char' } });
      // The split leaves "BEGIN RETURN 1" without its end; the first piece of the failing script stays applied.
      expect(outcome.functionBody).toEqual({ error: expect.objectContaining({ kind: 'postgres', code: '42601' }) });
      expect(outcome.leftBehind).toBe(true);
    });

    it('closes them: characters, whole scripts in one implicit transaction, PostgreSQL errors as the engine reads them', async () => {
      const outcome = await probe<Record<string, unknown>>(
        'migration-adapter.mts',
        ADAPTER_PROBE.replace('USE_WRAPPER', 'true'),
      );
      // ColumnTypeEnum.Character
      expect(outcome).toEqual({
        charColumn: { ok: [6] },
        functionBody: { ok: true },
        failingScript: { error: expect.objectContaining({ kind: 'postgres', code: '22012', severity: 'ERROR' }) },
        leftBehind: false,
      });
    });
  });

  describe('PGLiteSocketServer over one PGlite session (pglite-batches.mts)', () => {
    // Ten pooled connections, each running interactive transactions beside parameterized queries.
    const LOAD = `
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';
// On their way from the server to the wrapper: the server's isInTransaction() checks, and the Parse messages after
// which the wrapper holds the queue for their connection (what it is for, whichever method carries them).
const counters = { heldBatches: 0, transactionChecks: 0 };
const wrapped = tools.oneBatchAtATime(await PGlite.create());
const counted = new Proxy(wrapped, {
  get(target, property) {
    const value = Reflect.get(target, property);
    if (typeof value !== 'function') return value;
    return (...args) => {
      if (property === 'isInTransaction') counters.transactionChecks++;
      const result = value(...args);
      if (args[0] instanceof Uint8Array && args[0][0] === 0x50 && target.isInTransaction()) counters.heldBatches++;
      return result;
    };
  },
});
const server = new PGLiteSocketServer({ db: counted, port: 0, maxConnections: 20 });
await server.start();
const pool = new pg.Pool({ connectionString: 'postgresql://postgres@' + server.getServerConn() + '/postgres', max: 10 });
await pool.query('CREATE TABLE hits (client int NOT NULL, n int NOT NULL)');
const work = Array.from({ length: 10 }, async (_, client) => {
  for (let n = 0; n < 5; n++) {
    const tx = await pool.connect();
    await tx.query('BEGIN');
    await tx.query('INSERT INTO hits VALUES ($1, $2)', [client, n]);
    const { rows } = await tx.query('SELECT count(*)::int AS c FROM hits WHERE client = $1', [client]);
    await tx.query('COMMIT');
    tx.release();
    if (rows[0].c !== n + 1) throw new Error('client ' + client + ' saw ' + rows[0].c + ' rows, not ' + (n + 1));
    await pool.query('SELECT $1::int AS echo', [n]).then(({ rows }) => { if (rows[0].echo !== n) throw new Error('echo'); });
  }
});
await Promise.all(work);
const total = (await pool.query('SELECT count(*)::int AS c FROM hits')).rows[0].c;
await pool.end();
await server.stop();
await wrapped.close();
console.log(JSON.stringify({ total, counters }));
`;

    it('keeps each query of concurrent connections whole, through the calls the wrapper relies on', async () => {
      const { total, counters } = await probe<{ total: number; counters: Record<string, number> }>(
        'pglite-batches.mts',
        LOAD,
      );
      expect(total).toBe(50);
      // A server that stops calling the two methods the wrapper intercepts leaves it a silent no-op.
      // Each parameterized query is a batch that starts with a Parse.
      expect(counters.heldBatches).toBeGreaterThanOrEqual(100);
      expect(counters.transactionChecks).toBeGreaterThan(0);
    });
  });
});
