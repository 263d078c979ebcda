import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type DocCommand, extractCommands, normalize, runsCommand, splitCommands, stripComment } from './doc-commands';

const ROOT = join(__dirname, '..', '..');

/**
 * Who runs each command the docs show, so the docs cannot go stale: `.ci/run`, or a test file that contains the
 * command verbatim. A command only a human can run (it needs a Docker engine, which CI lacks) names the command CI
 * runs instead, on the same input; keep those few. A command that another shown command runs in full, plus more
 * (`TRANSPORT=nats npm run dev` inside its two-replica variant), names that command, which must be covered itself.
 */
type Coverage =
  | { runBy: string }
  | { humanOnly: string; equivalent: string; runBy: string }
  | { partOf: string; why: string; runBy: string };

const COMPOSE_VALIDATION = {
  humanOnly: 'needs a Docker engine; CI has none',
  equivalent: 'docker-compose -f docker-compose.yml config -q',
  runBy: '.ci/run',
};

const QUICKSTART = 'test/readme-quickstart.e2e-spec.ts';
/** The README's "Try it" requests, which the quickstart and dev-traces e2e specs send. */
const TRY_IT = 'test/support/dev-run.ts';
const DB_SCRIPTS = 'tools/db/readme-scripts.spec.ts';
const NEW_SERVICE = 'test/new-service.e2e-spec.ts';
const NATS_REPLICAS = 'TRANSPORT=nats USER_REPLICAS=2 ORDER_REPLICAS=2 npm run dev';

const COVERAGE: Record<string, Coverage> = {
  'npm ci': { runBy: '.ci/run' },
  'npm test': { runBy: '.ci/run' },
  'docker compose up --build': COMPOSE_VALIDATION,
  'docker compose down -v': COMPOSE_VALIDATION,
  'docker compose up -d otel-collector jaeger': COMPOSE_VALIDATION,
  'OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 npm run dev': {
    humanOnly: 'needs the Collector and Jaeger from Docker; CI has no engine',
    equivalent: 'npm run dev',
    runBy: QUICKSTART,
  },
  'npm run dev': { runBy: QUICKSTART },
  [`curl -s -XPOST localhost:3000/users -H 'content-type: application/json' -d '{"email":"ada@example.com","name":"Ada Lovelace"}'`]:
    { runBy: TRY_IT },
  [`curl -si -XPOST localhost:3000/orders -H 'content-type: application/json' -H 'traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' -d '{"userId":"5b0e…","items":[{"sku":"BOOK-1","quantity":2,"unitPriceCents":1500}]}'`]:
    { runBy: TRY_IT },
  [NATS_REPLICAS]: { runBy: QUICKSTART },
  'TRANSPORT=nats npm run dev': {
    partOf: NATS_REPLICAS,
    why: 'the same system with USER_REPLICAS and ORDER_REPLICAS at their default, 1: the first process of each',
    runBy: QUICKSTART,
  },
  'npm run new:service -- inventory': { runBy: NEW_SERVICE },
  [`curl -si -XPOST localhost:3000/inventory -H 'content-type: application/json' -H 'traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' -d '{"name":"first crate"}'`]:
    { runBy: NEW_SERVICE },
  'npm run db:migrate': { runBy: DB_SCRIPTS },
  'npm run db:migration:new -- order add_notes': { runBy: DB_SCRIPTS },
  'npm run db:migration:check': { runBy: DB_SCRIPTS },
};

const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
const docFiles = readdirSync(join(ROOT, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => `docs/${name}`);
const commandsIn = (file: string): DocCommand[] => extractCommands(read(file), file);

/** Commands with no entry in `coverage`. */
function uncovered(commands: DocCommand[], coverage: Record<string, Coverage>): DocCommand[] {
  return commands.filter(({ command }) => coverage[command] === undefined);
}

/** What the file named for a command must contain: the command, its stated equivalent, or the command it is part of. */
function ranAs(command: string, entry: Coverage): string {
  if ('equivalent' in entry) return entry.equivalent;
  if ('partOf' in entry) return entry.partOf;
  return command;
}

/** Entries whose file does not run the command (or what stands for it), or that stand on an uncovered command. */
function notRun(coverage: Record<string, Coverage>, readFile: (path: string) => string): string[] {
  return Object.entries(coverage)
    .filter(
      ([command, entry]) =>
        !runsCommand(readFile(entry.runBy), ranAs(command, entry)) ||
        ('partOf' in entry && coverage[entry.partOf]?.runBy !== entry.runBy),
    )
    .map(([command, entry]) => `${command} (${entry.runBy})`);
}

describe('commands in the docs', () => {
  it('finds the docs', () => {
    expect(docFiles).toEqual(expect.arrayContaining(['docs/architecture.md', 'docs/operations.md', 'docs/tracing.md']));
  });

  it.each(docFiles)('%s: every command is run by .ci/run or a test', (file) => {
    expect(uncovered(commandsIn(file), COVERAGE)).toEqual([]);
  });

  it('README.md: every command is run by .ci/run or a test', () => {
    expect(uncovered(commandsIn('README.md'), COVERAGE)).toEqual([]);
  });

  it('each listed command is really run by the file named for it', () => {
    expect(notRun(COVERAGE, read)).toEqual([]);
  });

  it('lists no command that the docs no longer show', () => {
    const shown = new Set(['README.md', ...docFiles].flatMap(commandsIn).map(({ command }) => command));
    expect(Object.keys(COVERAGE).filter((command) => !shown.has(command))).toEqual([]);
  });

  it('keeps human-only commands few, each with the reason and the equivalent CI runs', () => {
    const humanOnly = Object.values(COVERAGE).filter((entry) => 'humanOnly' in entry);
    // The compose commands (up, down, the observability part alone) and `npm run dev` sending to that Collector.
    expect(humanOnly.length).toBeLessThanOrEqual(4);
  });
});

describe(extractCommands.name, () => {
  it('takes bash, sh and shell blocks only, joining continuations and dropping comments', () => {
    const markdown = [
      '```bash',
      'npm install && npm run dev   # the whole system',
      '# {"id":"…"}',
      '',
      "curl -s localhost:3000/users -H 'x: #1' \\",
      '  -d \'{"a":1}\'',
      '```',
      '```ts',
      'npm run not-a-command',
      '```',
      '~~~sh',
      'npm test; echo done',
      '~~~',
      '```shell',
      'npm run lint || exit 1',
      '```',
      '```',
      'npm run untagged',
      '```',
    ].join('\n');
    expect(extractCommands(markdown, 'x.md')).toEqual([
      { file: 'x.md', line: 2, command: 'npm install' },
      { file: 'x.md', line: 2, command: 'npm run dev' },
      { file: 'x.md', line: 5, command: `curl -s localhost:3000/users -H 'x: #1' -d '{"a":1}'` },
      { file: 'x.md', line: 12, command: 'npm test' },
      { file: 'x.md', line: 12, command: 'echo done' },
      { file: 'x.md', line: 15, command: 'npm run lint' },
      { file: 'x.md', line: 15, command: 'exit 1' },
    ]);
  });

  it('does not take a bash block shown inside a longer fence', () => {
    const markdown = ['````markdown', '```bash', 'npm run inside', '```', '````', '```bash', 'npm test', '```'].join(
      '\n',
    );
    expect(extractCommands(markdown).map(({ command }) => command)).toEqual(['npm test']);
  });

  it('keeps quoted separators and hashes', () => {
    expect(splitCommands(`echo 'a && b' "c; d" && echo e`)).toEqual([`echo 'a && b' "c; d"`, 'echo e']);
    expect(stripComment(`echo "# not" '#nor' x#y # yes`)).toBe(`echo "# not" '#nor' x#y `);
  });
});

describe(runsCommand.name, () => {
  it('finds a command with arguments after it, across continuation lines and spacing', () => {
    expect(runsCommand('step\nnpm test -- --json --outputFile=x.json\n', 'npm test')).toBe(true);
    expect(
      runsCommand(
        'docker-compose -f docker-compose.yml \\\n  config -q && echo ok',
        'docker-compose -f docker-compose.yml config -q',
      ),
    ).toBe(true);
    expect(runsCommand("await run('npm run db:migrate')", 'npm run db:migrate')).toBe(true);
  });

  it('does not take a longer command for it', () => {
    expect(runsCommand('npm run dev:watch', 'npm run dev')).toBe(false);
    expect(runsCommand('npm run test:unit', 'npm test')).toBe(false);
    expect(runsCommand('pnpm install', 'npm install')).toBe(false);
  });
});

describe('the coverage checks', () => {
  it('fail on a command with no entry, and on an entry whose file does not run it', () => {
    const commands = extractCommands('```bash\nnpm test\nnpm run renamed\n```');
    expect(uncovered(commands, { 'npm test': { runBy: 'ci' } }).map(({ command }) => command)).toEqual([
      'npm run renamed',
    ]);
    expect(notRun({ 'npm run renamed': { runBy: 'ci' } }, () => 'npm run old-name')).toEqual(['npm run renamed (ci)']);
  });

  it('take a command run as part of another only when that one is covered by the same file', () => {
    const whole = 'X=1 Y=2 npm run dev';
    const part = { partOf: whole, why: 'Y defaults to 1', runBy: 'spec' };
    expect(notRun({ 'X=1 npm run dev': part, [whole]: { runBy: 'spec' } }, () => `run('${whole}')`)).toEqual([]);
    expect(notRun({ 'X=1 npm run dev': part }, () => `run('${whole}')`)).toEqual(['X=1 npm run dev (spec)']);
    expect(notRun({ 'X=1 npm run dev': part, [whole]: { runBy: 'spec' } }, () => 'npm run dev')).toEqual([
      'X=1 npm run dev (spec)',
      `${whole} (spec)`,
    ]);
  });

  it('normalizes whitespace the same way on both sides', () => {
    expect(normalize('  a \\\n   b\tc ')).toBe('a b c');
  });
});
