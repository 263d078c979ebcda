// The pure parts of `npm run new:service`: name rules and spellings, and each edit, run against this repository's own
// files (so a change to one of them that moves the spot an edit needs fails here, not in a user's terminal).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import * as edits from './edits';
import {
  fillPlaceholders,
  invalidNameReason,
  migrationTimestamp,
  namesOf,
  placeholders,
  reservedNames,
} from './naming';

const ROOT = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

const PORTS = { httpPort: 3003, rpcPort: 4003, embeddedDatabasePort: 5435 };
// Names no service of this repository has, so the spec also passes in a repository with generated services.
// A made-up project name: the rename spec checks that no file still carries the real one.
const PROJECT = { project: 'acme-shop', version: '2.3.4' };
const billing: edits.NewService = { ...namesOf('billing'), ports: PORTS, ...PROJECT };
const stockLevel: edits.NewService = { ...namesOf('stock-level'), ports: PORTS, ...PROJECT };

/** Lines in `after` that are not in `before`, in order: what an edit added. */
function addedLines(before: string, after: string): string[] {
  const remaining = before.split('\n');
  return after.split('\n').filter((line) => {
    const at = remaining.indexOf(line);
    if (at < 0) return true;
    remaining.splice(at, 1);
    return false;
  });
}

describe(invalidNameReason.name, () => {
  const existing = ['user', 'order'];
  const reserved = reservedNames(ROOT);

  it.each(['inventory', 'stock-level', 'billing2', 'a1-b2-c3'])('accepts %s', (name) => {
    expect(invalidNameReason(name, existing, reserved)).toBeUndefined();
  });

  it.each([
    ['', 'give the service a name'],
    ['Billing', 'not a valid service name'],
    ['stock_level', 'not a valid service name'],
    ['stockLevel', 'not a valid service name'],
    ['2fa', 'not a valid service name'],
    ['-x', 'not a valid service name'],
    ['stock--level', 'not a valid service name'],
    ['stock-', 'not a valid service name'],
    ['a'.repeat(31), 'longer than 30'],
    ['user', 'exists already'],
    ['gateway', 'is reserved'],
    ['tracing', 'is reserved'],
    ['postgres', 'is reserved'],
    ['grpc', 'is reserved'],
    ['users', 'is reserved'],
    ['docker', 'is reserved'],
    ['dist', 'is reserved'],
  ])('refuses %j: %s', (name, reason) => {
    expect(invalidNameReason(name, existing, reserved)).toContain(reason);
  });
});

describe(reservedNames.name, () => {
  it('reads the names of the apps, libraries and compose services, leaving out the services', () => {
    const reserved = reservedNames(ROOT);

    expect(['gateway', 'transport', 'otel-collector', 'tools'].filter((name) => !reserved.has(name))).toEqual([]);
    expect(reserved.has('user')).toBe(false);
  });
});

describe(namesOf.name, () => {
  it('spells a hyphenated name for classes, properties, variables and tables', () => {
    expect(namesOf('stock-level')).toEqual({
      name: 'stock-level',
      pascal: 'StockLevel',
      camel: 'stockLevel',
      constant: 'STOCK_LEVEL',
      snake: 'stock_level',
    });
  });

  it('keeps a one-word name as is where it can', () => {
    expect(namesOf('inventory')).toMatchObject({ pascal: 'Inventory', camel: 'inventory', constant: 'INVENTORY' });
  });
});

describe(fillPlaceholders.name, () => {
  it('fills each placeholder, none inside another', () => {
    const now = new Date('2026-01-02T03:04:05Z');
    const values = placeholders(stockLevel, now);
    const template = '__Name__Item __nameCamel__Item __NAME___PATTERNS "__name_snake___items" __name__.create';

    expect(fillPlaceholders(template, values)).toBe(
      'StockLevelItem stockLevelItem STOCK_LEVEL_PATTERNS "stock_level_items" stock-level.create',
    );
    expect(fillPlaceholders('__timestamp___init', placeholders(billing, now))).toBe('20260102030405_init');
  });

  it('names migrations as Prisma does: the UTC time, yyyyMMddHHmmss', () => {
    expect(migrationTimestamp(new Date('2026-01-02T03:04:05.678Z'))).toBe('20260102030405');
  });
});

describe(edits.nextPorts.name, () => {
  it('takes one above the highest port of each kind', () => {
    const sut = edits.nextPorts;

    expect(
      sut({
        user: { httpPort: 3001, rpcPort: 4001, embeddedDatabasePort: 5433 },
        order: { httpPort: 3007, rpcPort: 4002, embeddedDatabasePort: 5434 },
      }),
    ).toEqual({ httpPort: 3008, rpcPort: 4003, embeddedDatabasePort: 5435 });
  });
});

describe('the edits, on this repository’s files', () => {
  it('adds the service to services.json, keeping the others', () => {
    const source = read('libs/config/src/services.json');

    const after = JSON.parse(edits.addToServicesJson(source, billing)) as Record<string, unknown>;

    expect(after).toEqual({ ...(JSON.parse(source) as object), billing: { envPrefix: 'BILLING', ...PORTS } });
    expect(JSON.parse(edits.addToServicesJson(source, stockLevel))).toHaveProperty(
      'stock-level.envPrefix',
      'STOCK_LEVEL',
    );
    expect(Object.keys(after).at(-1)).toBe('billing');
  });

  it('exports the contract from the contracts index, sorted', () => {
    const after = edits.addToContractsIndex(read('libs/contracts/src/index.ts'), billing);

    const lines = after.trimEnd().split('\n');
    expect(lines).toEqual([...lines].sort());
    expect(addedLines(read('libs/contracts/src/index.ts'), after).sort()).toEqual([
      "export * from './billing/billing.client';",
      "export * from './billing/billing.patterns';",
      "export * from './billing/billing.types';",
    ]);
  });

  it('registers the typed client in RpcClientsModule', () => {
    const source = read('libs/transport/src/rpc-clients.module.ts');

    const after = edits.addToRpcClients(source, stockLevel);

    expect(after).toMatch(/^import \{ [^}]*\bStockLevelClient\b[^}]* \} from '@app\/contracts';$/m);
    expect(addedLines(source, after)).toEqual([
      expect.stringMatching(/^import \{ .* \} from '@app\/contracts';$/),
      "  stockLevel: { token: 'STOCK_LEVEL_SERVICE', Client: StockLevelClient, service: 'stock-level' },",
    ]);
  });

  it("gives the gateway the client and the service's HTTP controller", () => {
    const source = read('apps/gateway/src/app.module.ts');

    const after = edits.addToGatewayModule(source, stockLevel);

    expect(after).toMatch(/RpcClientsModule\.register\(\[[^\]]*, 'stockLevel'\]\)/);
    expect(after).toMatch(/^ {2}controllers: \[[^\]]*, StockLevelController\]/m);
    expect(after).toContain("import { StockLevelController } from './stock-level/stock-level.controller';\n");
  });

  it('adds an application project to nest-cli.json like the others, after them', () => {
    const after = JSON.parse(edits.addToNestCli(read('nest-cli.json'), billing)) as {
      projects: Record<string, { type: string }>;
    };

    const types = Object.values(after.projects).map(({ type }) => type);
    expect(types.lastIndexOf('application')).toBeLessThan(types.indexOf('library'));
    expect(after.projects.billing).toEqual({
      type: 'application',
      root: 'apps/billing',
      entryFile: 'main',
      sourceRoot: 'apps/billing/src',
      compilerOptions: {
        tsConfigPath: 'apps/billing/tsconfig.app.json',
        assets: [
          { include: '../../../libs/contracts/src/grpc/*.proto', outDir: 'dist/apps/billing/libs/contracts/src' },
        ],
      },
    });
  });

  it('builds, watches and migration-checks it in package.json', () => {
    const before = JSON.parse(read('package.json')) as { scripts: Record<string, string> };

    const after = JSON.parse(edits.addToPackageJson(read('package.json'), billing)) as typeof before;

    expect(after.scripts.build).toBe(`${before.scripts.build} && nest build billing`);
    expect(after.scripts['start:dev:billing']).toBe('exec node tools/node.cjs nest start billing --watch');
    expect(after.scripts['db:migration:check']).toMatch(/ && node tools\/db\/migration-diff.mts billing --exit-code"$/);
    const keys = Object.keys(after.scripts);
    const lastStartDev = Object.keys(before.scripts).findLast((key) => key.startsWith('start:dev:'))!;
    expect(keys.indexOf('start:dev:billing')).toBe(keys.indexOf(lastStartDev) + 1);
  });

  it('runs it in docker-compose, with its host, its database, and before the gateway', () => {
    type Compose = {
      services: Record<string, { environment?: Record<string, string>; depends_on?: Record<string, unknown> }>;
    };
    const after = parse(edits.addToCompose(read('docker-compose.yml'), stockLevel), { merge: true }) as Compose;

    expect(after.services['stock-level']).toMatchObject({
      image: 'acme-shop/stock-level:2.3.4',
      environment: {
        STOCK_LEVEL_RPC_HOST: 'stock-level',
        STOCK_LEVEL_DATABASE_URL: 'postgresql://postgres:postgres@postgres:5432/stock_level',
      },
      depends_on: after.services.user.depends_on,
    });
    expect(after.services.gateway.depends_on).toHaveProperty('stock-level', { condition: 'service_healthy' });
  });

  it('scrapes it in Prometheus, next to the other apps', () => {
    type Prometheus = { scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[] };

    const after = parse(edits.addToPrometheus(read('docker/prometheus/prometheus.yml'), billing)) as Prometheus;

    const jobs = after.scrape_configs.map((job) => job.job_name);
    const at = jobs.indexOf('acme-shop-billing');
    expect(jobs.slice(at - 1, at + 2)).toEqual([
      expect.not.stringMatching(/^otel-collector/),
      'acme-shop-billing',
      'otel-collector-spanmetrics',
    ]);
    expect(after.scrape_configs.find((job) => job.job_name === 'acme-shop-billing')?.static_configs).toEqual([
      { targets: ['billing:3003'] },
    ]);
  });

  it('lists its variables in .env.example, each with the others of its kind', () => {
    const source = read('.env.example');

    const after = edits.addToEnvExample(source, stockLevel);

    expect(addedLines(source, after)).toEqual([
      'STOCK_LEVEL_HTTP_PORT=3003',
      'STOCK_LEVEL_RPC_HOST=127.0.0.1',
      'STOCK_LEVEL_RPC_PORT=4003',
      '# STOCK_LEVEL_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/stock_level',
      'EMBEDDED_STOCK_LEVEL_DB_PORT=5435',
      expect.stringMatching(
        /^# OTEL_SERVICE_NAME overrides an app's default service.name \(\S+-gateway, -user, .*, -stock-level\)$/,
      ),
    ]);
  });

  it('copies its Prisma schema into the image before npm ci', () => {
    const source = read('docker/Dockerfile');

    const after = edits.addToDockerfile(source, billing);

    expect(addedLines(source, after)).toEqual([
      'COPY apps/billing/prisma apps/billing/prisma',
      'COPY apps/billing/prisma.config.ts apps/billing/',
    ]);
    expect(after.indexOf('COPY apps/billing/prisma ')).toBeLessThan(after.indexOf('RUN --mount'));
  });

  it('builds its image in CI', () => {
    expect(edits.addToCiWorkflow(read('.github/workflows/ci.yml'), billing)).toMatch(/app: \[[^\]]*, billing\]/);
  });

  it('creates its database in the compose PostgreSQL', () => {
    expect(edits.addToInitDatabases(read('docker/postgres/init-databases.sql'), stockLevel)).toMatch(
      /;\nCREATE DATABASE stock_level;\n$/,
    );
  });

  it('names the file when the spot to edit is missing', () => {
    expect(() => edits.addToRpcClients('export {};\n', billing)).toThrow('rpc-clients.module.ts: found no');
    expect(() => edits.addToPrometheus('scrape_configs: []\n', billing)).toThrow('prometheus.yml');
  });
});
