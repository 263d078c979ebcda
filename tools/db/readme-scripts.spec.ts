// The README's database commands, run verbatim through npm as a developer types them: `npm run db:migrate` against
// throwaway databases, `npm run db:migration:check` on this checkout, and `npm run db:migration:new -- order
// add_notes` after a schema change, in a throwaway copy of the repository so no migration is left behind here.
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_NAMES, envPrefix } from '@app/config';
import { extractCommands } from '../../test/repo/doc-commands';
import { AppProcess } from '../../test/support/app-process';
import { type RepoCopy, copyRepo } from '../../test/support/repo-copy';
import { runShell } from '../../test/support/run';
import { query } from '../../test/support/query';

const ROOT = join(__dirname, '..', '..');

const MIGRATE = 'npm run db:migrate';
const CHECK = 'npm run db:migration:check';
const NEW_MIGRATION = 'npm run db:migration:new -- order add_notes';

function committedMigrations(root: string, service: string): string[] {
  return readdirSync(join(root, 'apps', service, 'prisma', 'migrations'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** A database nobody else uses: a new name on E2E_DATABASE_URL's server (migrate creates it), else an embedded one. */
async function throwawayDatabase(service: string): Promise<{ url: string; drop(): Promise<void> }> {
  const server = process.env.E2E_DATABASE_URL;
  if (server) {
    const name = `readme_${service}_${randomBytes(4).toString('hex')}`;
    const url = new URL(server);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      drop: () => query(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => undefined),
    };
  }
  const embedded = new AppProcess(
    `${service}-db`,
    process.execPath,
    [join(__dirname, 'embedded-postgres.mts'), '--port', '0'],
    process.env,
  );
  const { url } = JSON.parse(await embedded.waitForLine((line) => line.includes('"ready":true'), 60_000)) as {
    url: string;
  };
  return { url, drop: async () => void (await embedded.stop()) };
}

describe('the README database commands', () => {
  jest.setTimeout(300_000);

  it('are the ones the README shows', () => {
    const shown = extractCommands(readFileSync(join(ROOT, 'README.md'), 'utf8')).map(({ command }) => command);
    expect(shown).toEqual(expect.arrayContaining([MIGRATE, CHECK, NEW_MIGRATION]));
  });

  it(`${MIGRATE} applies every migration of every service to the databases in <NAME>_DATABASE_URL`, async () => {
    const databases = await Promise.all(SERVICE_NAMES.map((service) => throwawayDatabase(service)));
    const [user, order] = [databases[SERVICE_NAMES.indexOf('user')], databases[SERVICE_NAMES.indexOf('order')]];
    try {
      const result = await runShell(MIGRATE, {
        cwd: ROOT,
        env: Object.fromEntries(
          SERVICE_NAMES.map((service, i) => [`${envPrefix(service)}_DATABASE_URL`, databases[i].url]),
        ),
      });
      expect(result).toMatchObject({ code: 0 });
      for (const service of SERVICE_NAMES) {
        expect(result.stdout).toContain(`${service}: applied ${committedMigrations(ROOT, service).join(', ')}\n`);
      }
      const applied = await query<{ migration_name: string }>(
        order.url,
        'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY 1',
      );
      expect(applied.map((row) => row.migration_name)).toEqual(committedMigrations(ROOT, 'order'));
      const tables = await query<{ table_name: string }>(
        user.url,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
      );
      expect(tables.map((row) => row.table_name)).toEqual(expect.arrayContaining(['users', 'processed_events']));
    } finally {
      await Promise.all(databases.map((database) => database.drop()));
    }
  });

  it(`${CHECK} passes on this checkout: every schema.prisma matches its migrations`, async () => {
    const result = await runShell(CHECK, { cwd: ROOT });
    // npm's own warnings (about the machine's npm config) are not the tool's.
    const toolErrors = result.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('npm warn '));
    expect({ code: result.code, toolErrors }).toEqual({ code: 0, toolErrors: [] });
    expect(result.stdout).not.toMatch(/ALTER TABLE|CREATE TABLE|DROP /);
  });

  describe('after a field is added to the Order model (in a copy of the repository)', () => {
    let copy: RepoCopy;
    const schemaPath = () => join(copy.dir, 'apps', 'order', 'prisma', 'schema.prisma');

    beforeAll(() => {
      copy = copyRepo();
      const schema = readFileSync(schemaPath(), 'utf8');
      const changed = schema.replace(/^model Order \{\n/m, (line) => `${line}  notes String?\n`);
      expect(changed).not.toBe(schema);
      writeFileSync(schemaPath(), changed);
    });

    afterAll(() => copy?.remove());

    it(`${CHECK} fails and prints the missing SQL`, async () => {
      const result = await runShell(CHECK, { cwd: copy.dir });
      expect(result.code).not.toBe(0);
      expect(result.stdout).toMatch(/ALTER TABLE "orders" ADD COLUMN\s+"notes" TEXT/);
    });

    it(`${NEW_MIGRATION} writes the migration that adds the column`, async () => {
      const before = committedMigrations(copy.dir, 'order');
      const result = await runShell(NEW_MIGRATION, { cwd: copy.dir });
      expect(result.code).toBe(0);
      const added = committedMigrations(copy.dir, 'order').filter((name) => !before.includes(name));
      expect(added).toEqual([expect.stringMatching(/^\d{14}_add_notes$/)]);
      expect(added[0] > before[before.length - 1]).toBe(true); // applied after the existing ones
      expect(result.stderr).toContain(`order: created ${join(copy.dir, 'apps/order/prisma/migrations', added[0])}`);
      const sql = readFileSync(join(copy.dir, 'apps/order/prisma/migrations', added[0], 'migration.sql'), 'utf8');
      expect(sql).toMatch(/ALTER TABLE "orders" ADD COLUMN\s+"notes" TEXT;/);
      expect(sql).not.toMatch(/CREATE TABLE|DROP /);
    });
  });
});
