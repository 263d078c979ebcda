// An embedded PostgreSQL (PGlite: Postgres compiled to WebAssembly) served on the wire protocol, for machines
// without a PostgreSQL server. Not for production: PGlite runs one query at a time for all connections.
//
//   node tools/db/embedded-postgres.mts [--port 5433]      in memory, on a free port unless --port says
//
// Prints one JSON line when ready, {"ready":true,"url":"postgresql://..."}, and serves until SIGTERM/SIGINT.
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { oneBatchAtATime } from './pglite-batches.mts';

export type EmbeddedPostgres = { url: string; stop(): Promise<void> };

/** Serves on 127.0.0.1:`port` (0 picks a free one), keeping the data in `dataDir`, or in memory when absent. */
export async function startEmbeddedPostgres(
  options: { port?: number; dataDir?: string } = {},
): Promise<EmbeddedPostgres> {
  const db = await PGlite.create(options.dataDir);
  // The default of one connection makes a pg Pool's second connection fail ("Connection terminated unexpectedly").
  // PGlite is a single session: the server queues the connections' messages and runs them one at a time
  // (pglite-batches.mts keeps each query's messages together).
  const server = new PGLiteSocketServer({
    db: oneBatchAtATime(db),
    host: '127.0.0.1',
    port: options.port ?? 0,
    maxConnections: 100,
  });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  // getServerConn() reports the bound address, which matters with port 0. PGlite accepts any user, password and
  // database name and always serves its single database; it answers an SSL request with "no", so sslmode=disable
  // saves a round trip and states that there is no TLS.
  const url = `postgresql://postgres:postgres@${server.getServerConn()}/postgres?sslmode=disable`;
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= server.stop().then(() => db.close()));
  return { url, stop };
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } });
  const pg = await startEmbeddedPostgres({ port: Number(values.port) });
  const shutdown = (): void =>
    void pg.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  process.stdout.write(`${JSON.stringify({ ready: true, url: pg.url })}\n`);
}
