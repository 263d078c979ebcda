// `npm run bench`: builds the apps, runs the system benchmark in each tracing mode (off, always_off, on, sampled,
// backend-down), round after round, then the micro-benchmarks, and writes the report (markdown) and its samples (JSON).
//
//   node tools/bench/bench.mts [--quick] [--rounds 3] [--seconds 10] [--warmup 3] [--connections 8]
//                              [--modes off,on] [--no-build] [--micro-only] [--no-micro] [--log-level info]
//                              [--cpu-prof]   (each app writes a V8 CPU profile to bench/results/tmp/profiles)
//                              [--report-only] (rewrites latest.md from latest.json and findings.md; measures nothing)
//
// A full run writes bench/results/latest.{md,json}, which the README quotes; --quick (CI's smoke run of the harness)
// and partial runs write to bench/results/tmp/. Timings are reported, never asserted: the run fails only when the
// harness cannot measure (a build or start-up failure, or a non-2xx answer under load).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startDatabases } from './databases.mts';
import { runMacro } from './macro.mts';
import { runMicro } from './micro.mts';
import { MODES, type Mode } from './modes.ts';
import { markdownReport, type RunReport } from './report.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    seconds: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string', default: '8' },
    modes: { type: 'string', default: MODES.join(',') },
    'log-level': { type: 'string', default: 'info' },
    'no-build': { type: 'boolean', default: false },
    'no-micro': { type: 'boolean', default: false },
    'micro-only': { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    'report-only': { type: 'boolean', default: false },
  },
});

const quick = args.quick;
const settings = {
  rounds: Number(args.rounds ?? (quick ? 1 : 3)),
  seconds: Number(args.seconds ?? (quick ? 3 : 10)),
  warmupSeconds: Number(args.warmup ?? (quick ? 1 : 3)),
  connections: Number(args.connections),
  modes: args.modes.split(',').map(parseMode),
  logLevel: args['log-level'],
  transport: process.env.TRANSPORT ?? 'tcp',
  nodeOptions: args['cpu-prof'] ? `--cpu-prof --cpu-prof-dir=${join(ROOT, 'bench/results/tmp/profiles')}` : undefined,
};
const microTiming = quick ? { rounds: 1, milliseconds: 50 } : { rounds: 5, milliseconds: 300 };
const isFullRun =
  !quick && !args['cpu-prof'] && !args['micro-only'] && !args['no-micro'] && settings.modes.length === MODES.length;
const outputDir = join(ROOT, 'bench/results', isFullRun ? '' : 'tmp');
const logDir = join(ROOT, 'bench/results/tmp/logs');

function parseMode(name: string): Mode {
  if (!(MODES as readonly string[]).includes(name)) throw new Error(`unknown mode ${name}; modes: ${MODES.join(', ')}`);
  return name as Mode;
}

const log = (line: string) => console.log(`[bench] ${line}`);

function machine(): string {
  const cpu = cpus();
  const gib = (bytes: number) => (bytes / 2 ** 30).toFixed(1);
  return [
    `Measured ${new Date().toISOString()} on ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ` +
      `${gib(totalmem())} GiB RAM (${gib(freemem())} GiB free), Linux ${release()}, Node.js ${process.version}; ` +
      `load average ${loadavg()[0]!.toFixed(2)} when the run began.`,
    'The load generator (autocannon), the OTLP receiver and the databases share these cores with the apps, ' +
      'so absolute numbers understate a dedicated server; compare modes by their ratios, measured side by side.',
  ].join(' ');
}

function describeSettings(databaseKind: string): string {
  return (
    `Transport ${settings.transport}, ${databaseKind}, LOG_LEVEL=${settings.logLevel} (JSON logs to a file, one line ` +
    `per request), NODE_ENV=production, rate limit off. Per round and mode: fresh apps from the build, ` +
    `${settings.warmupSeconds} s of warm-up per endpoint, then ${settings.seconds} s per endpoint at ` +
    `${settings.connections} connections. ${settings.rounds} round(s), the modes interleaved in each ` +
    `(${settings.modes.join(', ')}). CPU is the apps' user + system time from /proc; peak RSS is VmHWM.`
  );
}

function build(): void {
  log('npm run build');
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' }); // throws if the build fails
}

/** The tables of the last full run again, with findings.md as it is now: for when only the findings changed. */
function rewriteReport(): void {
  const latest = join(ROOT, 'bench/results/latest.json');
  const report = JSON.parse(readFileSync(latest, 'utf8')) as RunReport;
  writeFileSync(join(ROOT, 'bench/results/latest.md'), markdownReport(report, findings()));
  log(`rewrote bench/results/latest.md from ${latest}`);
}

function findings(): string | undefined {
  const file = join(ROOT, 'bench/results/findings.md');
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

async function main(): Promise<void> {
  if (args['report-only']) return rewriteReport();
  const started = performance.now();
  if (!args['no-build']) build();
  mkdirSync(logDir, { recursive: true });
  const report: RunReport = { machine: machine(), settings: '', load: [], apps: [], micro: [] };
  if (!args['micro-only']) {
    const databases = await startDatabases();
    report.settings = describeSettings(databases.kind);
    try {
      log(`system benchmark: ${settings.rounds} round(s) of ${settings.modes.join(', ')}; app logs in ${logDir}`);
      const macro = await runMacro(databases, { ...settings, logDir }, log);
      Object.assign(report, { load: macro.load, apps: macro.apps });
      log(`the OTLP receiver got ${(macro.exportedBytes / 1e6).toFixed(1)} MB of spans`);
    } finally {
      await databases.stop();
    }
  }
  if (!args['no-micro']) {
    log(`micro-benchmarks: ${microTiming.rounds} round(s) of at least ${microTiming.milliseconds} ms per variant`);
    report.micro = await runMicro(microTiming);
  }
  const markdown = markdownReport(report, findings());
  mkdirSync(outputDir, { recursive: true });
  writeFileSync(join(outputDir, 'latest.md'), markdown);
  const json = { options: settings, microTiming, ...report };
  writeFileSync(join(outputDir, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
  console.log(`\n${markdown}`);
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  log(`wrote ${join(outputDir, 'latest.md')} and latest.json in ${seconds} s`);
}

main().catch((error: unknown) => {
  console.error('[bench] failed:', error);
  process.exit(1);
});
