// The one gap between PGlite's socket server and a pg connection pool, wrapped here and nowhere else.
//
// PGLiteSocketServer (0.2.17) multiplexes its connections onto PGlite's single session, queueing single protocol
// messages, not whole queries. A pg query is a batch (Parse, Bind, Describe, Execute, Sync) on the session's one
// unnamed statement and portal, and when the queue switches connections inside a batch, concurrent queries break each
// other: "portal "" does not exist", empty results (5 of 10 runs of a Prisma test with interactive transactions beside
// plain queries; 0 of 10 with this). The server has no option for it (upstream: electric-sql/pglite#1046, and the fix
// proposed in electric-sql/pglite#977). Its queue keeps serving one connection while `isInTransaction()` is true, so
// this answers true while a batch is open too, from its first extended-protocol message to its Sync.
// library-gaps.spec.ts fails when an upgrade changes the calls this relies on; on each upgrade, check the issues above.
import type { PGlite } from '@electric-sql/pglite';

const SYNC = 0x53; // 'S'
const EXTENDED = new Set([0x50, 0x42, 0x44, 0x45, 0x43, 0x48]); // Parse, Bind, Describe, Execute, Close, Flush

/** `db` for PGLiteSocketServer's `db` option: the same database, holding the queue on one connection per batch. */
export function oneBatchAtATime(db: PGlite): PGlite {
  let inBatch = false;
  return new Proxy(db, {
    get(target, property) {
      if (property === 'isInTransaction') return () => inBatch || target.isInTransaction();
      if (property === 'execProtocolRawStream') {
        return async (message: Uint8Array, options: Parameters<PGlite['execProtocolRawStream']>[1]) => {
          if (EXTENDED.has(message[0]!)) inBatch = true;
          try {
            await target.execProtocolRawStream(message, options);
          } finally {
            if (message[0] === SYNC) inBatch = false;
          }
        };
      }
      // A connection that drops mid-batch makes the server send ROLLBACK and serve the others again.
      if (property === 'exec') {
        return (...args: Parameters<PGlite['exec']>) => {
          inBatch = false;
          return target.exec(...args);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value.bind(target) as unknown) : value;
    },
  });
}
