// Applies pending migrations, like `prisma migrate deploy` but with the WebAssembly schema engine, so it needs no
// engine download. It is the same engine and records each migration in `_prisma_migrations` the same way, so a
// database migrated here can later be handed to the real CLI.
//
//   node tools/db/migrate.mts                 both services, from USER_DATABASE_URL and ORDER_DATABASE_URL
//   node tools/db/migrate.mts user <url>      one service
import pg from 'pg';
import { SERVICE_NAMES, databaseUrlVariable, isService } from '../services.mts';
import { NO_FILTERS, listMigrations, servicePaths, withEngine } from './schema-engine.mts';

export type MigrateOptions = { service: string; databaseUrl: string; log?: (line: string) => void };

/** Applies the service's pending migrations, and logs which (or that there were none). */
export async function migrate({ service, databaseUrl, log = () => {} }: MigrateOptions): Promise<void> {
  const migrationsList = await listMigrations(servicePaths(service).migrations);
  if (migrationsList.migrationDirectories.length === 0) throw new Error(`${service}: no migrations found`);
  const created = await ensureDatabaseExists(databaseUrl);
  if (created) log(`${service}: created database ${created}`);
  const { appliedMigrationNames } = await withEngine({ databaseUrl }, (engine) =>
    engine.applyMigrations({ migrationsList, filters: NO_FILTERS }),
  );
  const what = appliedMigrationNames.length ? `applied ${appliedMigrationNames.join(', ')}` : 'no pending migrations';
  log(`${service}: ${what}`);
}

/** Creates the database when it does not exist, as `prisma migrate deploy` does; returns the name it created. */
async function ensureDatabaseExists(databaseUrl: string): Promise<string | undefined> {
  const probe = new pg.Client({ connectionString: databaseUrl });
  try {
    await probe.connect();
    return undefined;
  } catch (error) {
    if ((error as { code?: string }).code !== '3D000') throw error; // 3D000: invalid_catalog_name
  } finally {
    await probe.end().catch(() => {});
  }
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`).finally(() => admin.end());
  return name;
}

/** Parses `[service url]`; without arguments, every service with its URL from the environment. */
function targets(args: string[], env: NodeJS.ProcessEnv): MigrateOptions[] {
  if (args.length > 0) {
    const [service, databaseUrl] = args;
    if (!isService(service) || !databaseUrl || args.length > 2) {
      throw new Error(`Usage: migrate.mts [${SERVICE_NAMES.join('|')} <database-url>]`);
    }
    return [{ service, databaseUrl }];
  }
  return SERVICE_NAMES.map((service) => {
    const databaseUrl = env[databaseUrlVariable(service)];
    if (!databaseUrl)
      throw new Error(`${databaseUrlVariable(service)} is not set (it is the ${service} service's database URL)`);
    return { service, databaseUrl };
  });
}

if (import.meta.main) {
  try {
    for (const target of targets(process.argv.slice(2), process.env)) {
      await migrate({ ...target, log: (line) => console.log(line) });
    }
  } catch (error) {
    console.error(`migrate: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
