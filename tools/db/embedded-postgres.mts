// An embedded PostgreSQL (PGlite: Postgres compiled to WebAssembly) served on the wire protocol, for machines
// without a PostgreSQL server. Not for production: PGlite runs one query at a time for all connections.
//
//   node tools/db/embedded-postgres.mts --port 5433 [--host 127.0.0.1] [--data-dir .data/user]
//
// Prints one JSON line when ready, {"ready":true,"url":"postgresql://..."}, and serves until SIGTERM/SIGINT.
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { oneBatchAtATime } from './pglite-batches.mts';

export type EmbeddedPostgresOptions = {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** A directory that keeps the data between runs; in memory when absent. */
  dataDir?: string;
};

export type EmbeddedPostgres = {
  url: string;
  port: number;
  stop(): Promise<void>;
};

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const host = options.host ?? '127.0.0.1';
  const db = await PGlite.create(options.dataDir);
  // The default of one connection makes a pg Pool's second connection fail ("Connection terminated unexpectedly").
  // PGlite is a single session: the server queues the connections' messages and runs them one at a time
  // (pglite-batches.mts keeps each query's messages together).
  const server = new PGLiteSocketServer({
    db: oneBatchAtATime(db),
    host,
    port: options.port ?? 0,
    maxConnections: 100,
  });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  // getServerConn() reports the bound port, which matters with port 0.
  const port = Number(server.getServerConn().split(':').pop());
  // PGlite accepts any user, password and database name and always serves its single database; it answers an SSL
  // request with "no", so sslmode=disable saves a round trip and states that there is no TLS.
  const url = `postgresql://postgres:postgres@${host.includes(':') ? `[${host}]` : host}:${port}/postgres?sslmode=disable`;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await server.stop();
      await db.close();
    })());
  return { url, port, stop };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '5433' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid --port: ${values.port}`);
  const pg = await startEmbeddedPostgres({ port, host: values.host, dataDir: values['data-dir'] });
  const shutdown = () => {
    pg.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  process.stdout.write(`${JSON.stringify({ ready: true, url: pg.url })}\n`);
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
