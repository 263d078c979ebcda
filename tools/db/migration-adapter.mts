// The pg driver adapter as the schema engine needs it, built from public APIs only (pg's Pool `Client` option, and
// PrismaPg's adapter over a pool we own, three of its methods replaced). It closes two gaps of @prisma/adapter-pg 7.10:
// - executeScript, which applies each migration, splits the script at every ";" (breaking semicolons in strings,
//   function bodies and DO blocks) and runs the pieces one by one, so a failing migration is left half applied.
//   Here the script goes to PostgreSQL as one multi-statement simple query, which it runs as one implicit transaction.
// - The engine's schema description reads columns of PostgreSQL's one-byte catalog type "char" (OID 18, such as
//   pg_constraint.contype), which the adapter rejects ("Column type 'char' could not be deserialized"), so every diff
//   that reads a database fails. The pool's clients report those columns as text, which the adapter reads, and the
//   adapter's results label them as the characters the engine expects.
// library-gaps.spec.ts fails when an upgrade fixes either gap (delete this file then) or changes what it relies on.
import { PrismaPg } from '@prisma/adapter-pg';
import { ColumnTypeEnum, DriverAdapterError } from '@prisma/driver-adapter-utils';
import type { SqlDriverAdapter, SqlQuery } from '@prisma/driver-adapter-utils';
import pg from 'pg';

const CATALOG_CHAR_OID = 18;
const TEXT_OID = 25;

type Result = { fields?: { dataTypeID: number }[] };

/**
 * A pg.Client class whose results label "char" columns as text (their values are one-character strings either way),
 * noting their positions by SQL text in `charColumns`, so that the adapter's result can label them as characters.
 */
function catalogCharAsTextClient(charColumns: Map<string, number[]>): typeof pg.Client {
  const relabel = (sql: string | undefined, result: unknown): unknown => {
    const positions: number[] = [];
    (result as Result | undefined)?.fields?.forEach((field, i) => {
      if (field.dataTypeID !== CATALOG_CHAR_OID) return;
      field.dataTypeID = TEXT_OID;
      positions.push(i);
    });
    if (sql !== undefined && positions.length) charColumns.set(sql, positions);
    return result;
  };
  return class extends pg.Client {
    // pg.Client#query has a promise form and a callback form (the one pg.Pool#query uses); both are relabelled.
    override query(...args: unknown[]): never {
      const first = args[0];
      const sql = typeof first === 'string' ? first : (first as { text?: string } | undefined)?.text;
      const last = args.at(-1);
      if (typeof last === 'function') {
        const callback = last as (error: unknown, result: unknown) => void;
        args[args.length - 1] = (error: unknown, result: unknown) =>
          callback(error, error ? result : relabel(sql, result));
      }
      const returned = (super.query as (...a: unknown[]) => unknown)(...args);
      return (returned instanceof Promise ? returned.then((result) => relabel(sql, result)) : returned) as never;
    }
  };
}

/** pg's errors as the engine reads them (what the adapter's own error conversion does for PostgreSQL errors). */
function driverError(error: unknown): unknown {
  if (!(error instanceof pg.DatabaseError) || !error.code) return error;
  const { code, severity = 'ERROR', message, detail, column, hint } = error;
  return new DriverAdapterError({ kind: 'postgres', code, severity, message, detail, column, hint });
}

/**
 * Connects the adapter the schema engine drives, on its own pool. dispose() ends the pool, once: the engine disposes
 * some adapters itself (the shadow one) and withEngine disposes them all, and a pg pool must not be ended twice.
 */
export async function connectMigrationAdapter(connectionString: string): Promise<SqlDriverAdapter> {
  const charColumns = new Map<string, number[]>();
  const pool = new pg.Pool({ connectionString, Client: catalogCharAsTextClient(charColumns) });
  const adapter = await new PrismaPg(pool).connect();
  const queryRaw = adapter.queryRaw.bind(adapter);
  let ended: Promise<void> | undefined;
  return Object.assign(adapter, {
    queryRaw: async (query: SqlQuery) => {
      const result = await queryRaw(query);
      for (const i of charColumns.get(query.sql) ?? []) result.columnTypes[i] = ColumnTypeEnum.Character;
      return result;
    },
    executeScript: async (script: string) => {
      await pool.query(script).catch((error: unknown) => {
        throw driverError(error);
      });
    },
    dispose: () => (ended ??= pool.end()),
  });
}
