import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { type RepoCopy, copyRepo, workTreeFiles } from '../../test/support/repo-copy';
import { nameProblem, renameInText } from './rename-project';

const ROOT = join(__dirname, '..', '..');
const NEW_NAME = 'acme-shop';
const read = (root: string, path: string) => readFileSync(join(root, path), 'utf8');
const OLD_NAME = (JSON.parse(read(ROOT, 'package.json')) as { name: string }).name;
const OLD_TITLE = /^# (.+)$/.exec(read(ROOT, 'README.md').split('\n')[0])?.[1];

/** Every spelling of the old name, whatever the case and separators, and the README's title. */
const OLD_SPELLINGS = new RegExp(
  [OLD_NAME.split('-').join('[-_. ]?'), ...(OLD_TITLE ? [OLD_TITLE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')] : [])].join(
    '|',
  ),
  'i',
);

// Examples under a made-up name: this file is part of the project, and a rename would rewrite its own name in them.
const EXAMPLE = 'blue-fox-works';

describe(renameInText.name, () => {
  it.each([
    ['blue-fox-works/gateway:0.1.0', 'acme-shop/gateway:0.1.0'],
    ["serviceName: 'blue-fox-works-order'", "serviceName: 'acme-shop-order'"],
    ['BLUE_FOX_WORKS_URL', 'ACME_SHOP_URL'],
    ['blue_fox_works', 'acme_shop'],
    ['blueFoxWorksConfig', 'acmeShopConfig'],
    ['class BlueFoxWorks {}', 'class AcmeShop {}'],
    ['# Blue Fox Works', '# Acme Shop'],
    ['blue.fox.works', 'acme.shop'],
  ])('renames %s in the same spelling', (before, after) => {
    expect(renameInText(before, EXAMPLE, NEW_NAME)).toEqual({ text: after, count: 1 });
  });

  it.each(['xblue-fox-works', 'blue-fox-worksx', 'blue-fox_works', 'fox-works'])(
    'leaves %s alone: glued to another word, mixed separators or only part of the name',
    (text) => {
      expect(renameInText(text, EXAMPLE, NEW_NAME)).toEqual({ text, count: 0 });
    },
  );

  it('renames a name with fewer words into one with more', () => {
    expect(renameInText('acme-shop-gateway, ACME_SHOP', 'acme-shop', 'big-acme-store').text).toBe(
      'big-acme-store-gateway, BIG_ACME_STORE',
    );
  });
});

describe(nameProblem.name, () => {
  it.each(['acme-shop', 'shop-2', 'a1-b2-c3'])('accepts %s', (name) => expect(nameProblem(name)).toBeUndefined());

  it.each(['shop', 'Acme-Shop', 'acme_shop', '@acme/shop', 'acme--shop', '-acme-shop', 'acme-shop-', '2-shop', ''])(
    'refuses %j',
    (name) => expect(nameProblem(name)).toEqual(expect.any(String)),
  );

  it('refuses a name too long to prefix image and service names', () => {
    expect(nameProblem(`a-${'b'.repeat(60)}`)).toMatch(/longer than 50/);
  });
});

describe('npm run rename, in a copy of the repository', () => {
  // The work tree as the user has it, uncommitted files (a service just generated) included.
  const files = workTreeFiles();
  let repository: RepoCopy;
  let copy: string;
  // npm and tsc under the Node.js running this test, not whatever comes first on PATH.
  const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH}` };
  const run = (command: string, args: string[]) =>
    spawnSync(command, args, { cwd: copy, env, encoding: 'utf8', timeout: 45_000 });
  const snapshot = () => new Map(files.map((path) => [path, read(copy, path)]));
  let firstRun: ReturnType<typeof run>;

  beforeAll(() => {
    // With node_modules linked and the generated Prisma clients, which the script leaves alone, so the copy typechecks.
    repository = copyRepo({ generated: true });
    copy = repository.dir;
    firstRun = run('npm', ['run', '--silent', 'rename', '--', NEW_NAME]);
  }, 30_000);

  afterAll(() => repository?.remove());

  it('says what it changed', () => {
    expect(firstRun.status).toBe(0);
    expect(firstRun.stdout).toContain(`${OLD_NAME} -> ${NEW_NAME}`);
    expect(firstRun.stdout).toMatch(/package-lock\.json: 2 replaced/);
  });

  it('leaves no spelling of the old name in any file', () => {
    expect(OLD_SPELLINGS.test(`${OLD_NAME} ${OLD_TITLE ?? ''}`)).toBe(true);
    const leftovers = files.flatMap((path) =>
      read(copy, path)
        .split('\n')
        .flatMap((line, i) => (OLD_SPELLINGS.test(line) ? [`${path}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(leftovers).toEqual([]);
  });

  it('renames the package, the images, the default service names and the Prometheus jobs', () => {
    expect(JSON.parse(read(copy, 'package.json'))).toMatchObject({ name: NEW_NAME });
    expect(read(copy, 'README.md').split('\n')[0]).toBe(`# ${NEW_NAME}`);
    expect(read(copy, 'docker-compose.yml')).toContain(`image: ${NEW_NAME}/gateway:`);
    expect(read(copy, 'apps/order/src/tracing.ts')).toContain(`serviceName: '${NEW_NAME}-order'`);
    expect(read(copy, 'docker/prometheus/prometheus.yml')).toContain(`job_name: ${NEW_NAME}-user`);
  });

  it("changes only the lock file's own name fields", () => {
    type Lock = { name: string; packages: Record<string, { name?: string }> };
    const [before, after] = [ROOT, copy].map((root) => JSON.parse(read(root, 'package-lock.json')) as Lock);
    expect([after.name, after.packages[''].name]).toEqual([NEW_NAME, NEW_NAME]);
    after.name = before.name;
    after.packages[''].name = before.packages[''].name;
    expect(after).toEqual(before);
  });

  it('changes nothing when run again, and refuses a bad name', () => {
    const renamed = snapshot();
    const again = run('npm', ['run', '--silent', 'rename', '--', NEW_NAME]);
    expect(again.stdout).toContain('nothing to change');
    const refused = run('npm', ['run', '--silent', 'rename', '--', 'Acme_Shop']);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('kebab-case');
    expect(snapshot()).toEqual(renamed);
  }, 20_000);

  it('still typechecks, and its service names, Prometheus jobs and dashboard still agree', () => {
    const typecheck = run('npm', ['run', '--silent', 'typecheck']);
    expect(typecheck.stdout + typecheck.stderr).toBe('');
    expect(typecheck.status).toBe(0);
    const specs = ['test/repo/tracing-first.spec.ts', 'test/infra/prometheus.spec.ts', 'test/infra/grafana.spec.ts'];
    const jest = run(process.execPath, ['node_modules/jest/bin/jest.js', '--selectProjects', 'unit', '--ci', ...specs]);
    expect(jest.stderr).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    expect(jest.status).toBe(0);
  }, 60_000);
});
