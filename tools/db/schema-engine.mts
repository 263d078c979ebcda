// Prisma's schema engine compiled to WebAssembly, driven through the pg driver adapter. This replaces the native
// `schema-engine` binary that the Prisma CLI would download (it cannot be fetched on every machine).
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import * as bg from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { MigrationList, SchemaEngine, SchemaFilter } from '@prisma/schema-engine-wasm/schema_engine_bg';
import { connectMigrationAdapter } from './migration-adapter.mts';

const ROOT = join(import.meta.dirname, '..', '..');

/** Paths follow Prisma's defaults, as set in apps/<svc>/prisma.config.ts. */
export function servicePaths(service: string) {
  const prismaDir = join(ROOT, 'apps', service, 'prisma');
  return { schema: join(prismaDir, 'schema.prisma'), migrations: join(prismaDir, 'migrations') };
}

// No tables or enums are managed outside Prisma.
export const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };

// TypeScript declares WebAssembly only in the DOM libs; this is the one call used here.
declare const WebAssembly: {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, Record<string, unknown>>,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
};

let loaded: Promise<void> | undefined;

// Instantiate the .wasm ourselves with the _bg.js glue as its import object: the package's own entry point
// `import`s the .wasm, which Node 22 refuses and Node 24 allows only with an ExperimentalWarning.
function loadWasm(): Promise<void> {
  loaded ??= (async () => {
    const glue = fileURLToPath(import.meta.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
    const bytes = await readFile(glue.replace(/\.js$/, '.wasm'));
    // The engine arms 10 s timers (timeouts around its database calls) and never clears them, which would keep Node
    // alive for 10 s after the work is done. Unref them: while the engine works, its open connections keep Node up.
    const imports: Record<string, unknown> = { ...bg };
    for (const name of Object.keys(imports).filter((key) => key.startsWith('__wbg_setTimeout_'))) {
      imports[name] = (callback: () => void, ms: number) => setTimeout(callback, ms >>> 0).unref();
    }
    // A Rust panic leaves its message here, then fails with a bare "RuntimeError: unreachable"; print the message.
    const panics = { set_message: (message: string) => console.error(`schema engine panicked: ${message}`) };
    Object.assign(globalThis, { PRISMA_WASM_PANIC_REGISTRY: panics });
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': imports });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
  })();
  return loaded;
}

export type EngineOptions = {
  /** The database the engine works on. */
  databaseUrl: string;
  /** An empty database the engine may use as a scratch ("shadow") database; only diffs from migrations need it. */
  shadowDatabaseUrl?: string;
};

/** Runs `work` with an engine on the given database, then frees the engine and closes its connections. */
export async function withEngine<T>(
  { databaseUrl, shadowDatabaseUrl }: EngineOptions,
  work: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  await loadWasm();
  // engine.free() leaves the adapters' pg pools open, and their idle clients would keep Node alive for 10 s.
  const opened: SqlDriverAdapter[] = [];
  const connect = async (connectionString: string): Promise<SqlDriverAdapter> => {
    const adapter = await connectMigrationAdapter(connectionString);
    opened.push(adapter);
    return adapter;
  };
  // Not PrismaPg's own connectToShadowDb(): it runs CREATE DATABASE, then connects with `{ connectionString,
  // database }`, where pg lets the connection string win, so its "shadow" is the main database (checked, 7.10.0).
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    connect: () => connect(databaseUrl),
    connectToShadowDb: async () => {
      if (!shadowDatabaseUrl) throw new Error('This operation needs a shadow database; pass shadowDatabaseUrl.');
      return connect(shadowDatabaseUrl);
    },
  };
  const debug = process.env.DEBUG?.includes('schema-engine') ? (msg: string) => console.error(msg) : () => {};
  try {
    // The engine connects right away, and reports connection and SQL errors with readable messages.
    const engine = await bg.SchemaEngine.new(
      { datamodels: undefined },
      debug,
      bindMigrationAwareSqlAdapterFactory(factory),
    );
    try {
      return await work(engine);
    } finally {
      engine.free();
    }
  } finally {
    await Promise.all(opened.map((adapter) => adapter.dispose()));
  }
}

/** Reads a migrations folder the way the Prisma CLI does (listMigrations in @prisma/migrate). */
export async function listMigrations(migrationsDir: string): Promise<MigrationList> {
  const lockfilePath = 'migration_lock.toml';
  const lockContent = await readFile(join(migrationsDir, lockfilePath), 'utf8').catch(() => null);
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch(() => []);
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b));
  const migrationDirectories = await Promise.all(
    names.map(async (name) => {
      const content = await readFile(join(migrationsDir, name, 'migration.sql'), 'utf8');
      return { path: name, migrationFile: { path: 'migration.sql', content: { tag: 'ok' as const, value: content } } };
    }),
  );
  return {
    baseDir: migrationsDir,
    lockfile: { path: lockfilePath, content: lockContent },
    shadowDbInitScript: '',
    migrationDirectories,
  };
}
