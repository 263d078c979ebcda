// Turns a run's samples into the markdown report: medians over the rounds, and each mode's ratio to `off`. Pure (no
// I/O), so unit specs cover it; one file, because the root tsconfig that checks the specs cannot follow `.ts` imports.

/** The median of the values; NaN for none (a missing measurement shows as such rather than as 0). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = values.toSorted((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** value / base, or NaN when the base is zero or missing. */
export function ratio(value: number, base: number): number {
  return base > 0 && Number.isFinite(base) ? value / base : NaN;
}

/**
 * Groups rows by a key and takes the median of each numeric field over each group: the rounds of one mode become
 * one row. Groups keep the order in which their first row came.
 */
export function mediansBy<T extends object, K extends keyof T>(
  rows: readonly T[],
  keyOf: (row: T) => string,
  fields: readonly K[],
): { key: string; first: T; medians: Record<K, number> }[] {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups].map(([key, group]) => ({
    key,
    first: group[0]!,
    medians: Object.fromEntries(
      fields.map((field) => [field, median(group.map((row) => Number(row[field])))]),
    ) as Record<K, number>,
  }));
}

/** A number with a fixed count of decimals, or `n/a` for NaN. */
export function fixed(value: number, decimals: number): string {
  return Number.isFinite(value) ? value.toFixed(decimals) : 'n/a';
}

/** A ratio as `0.93×`. */
export function times(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a';
}

/** A GitHub markdown table; cells with `|` are escaped so they cannot break the row. */
export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const escape = (cell: string) => cell.replaceAll('|', '\\|');
  const line = (cells: readonly string[]) => `| ${cells.map(escape).join(' | ')} |`;
  for (const row of rows) {
    if (row.length !== headers.length) throw new Error(`a row has ${row.length} cells for ${headers.length} headers`);
  }
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Whether a measured ratio meets a target, as a table cell: `met`, `missed` or `n/a`. */
export function verdict(measured: number, target: number, direction: 'at least' | 'at most'): string {
  if (!Number.isFinite(measured)) return 'n/a';
  const met = direction === 'at least' ? measured >= target : measured <= target;
  return met ? 'met' : 'missed';
}

/** What one load window measured (tools/bench/macro.mts). */
export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Responses received in the window, 2xx or not. */
  responses: number;
  non2xx: number;
  errors: number;
}

export interface LoadSample extends LoadResult {
  round: number;
  mode: string;
  endpoint: string;
  /** CPU seconds of all apps together per 1000 responses. */
  cpuSecondsPer1000: number;
}

export interface AppSample {
  round: number;
  mode: string;
  app: string;
  /** Spawn to the first 200 from /health/ready. */
  readyMs: number;
  peakRssMb: number;
  /** Resident memory at the end of the measured load minus after the warm-up. */
  rssGrowthMb: number;
}

export interface MicroResult {
  group: string;
  name: string;
  nsPerOp: number;
  /** The variant of the same group this one is compared with. */
  baseline?: string;
  note?: string;
}

export interface RunReport {
  machine: string;
  settings: string;
  load: LoadSample[];
  apps: AppSample[];
  micro: MicroResult[];
}

const LOAD_FIELDS = ['requestsPerSecond', 'p50Ms', 'p99Ms', 'maxMs', 'cpuSecondsPer1000'] as const;

export function loadTable(samples: readonly LoadSample[]): string {
  const rows = mediansBy(samples, (s) => `${s.endpoint}\u0000${s.mode}`, LOAD_FIELDS);
  const offOf = (endpoint: string) => rows.find((row) => row.key === `${endpoint}\u0000off`)?.medians;
  const sorted = rows.toSorted((a, b) => a.first.endpoint.localeCompare(b.first.endpoint));
  return markdownTable(
    ['endpoint', 'mode', 'req/s', 'vs off', 'p50 ms', 'p99 ms', 'max ms', 'CPU s / 1000 req', 'vs off'],
    sorted.map(({ first, medians }) => {
      const off = offOf(first.endpoint);
      return [
        first.endpoint,
        first.mode,
        fixed(medians.requestsPerSecond, 0),
        times(ratio(medians.requestsPerSecond, off?.requestsPerSecond ?? NaN)),
        fixed(medians.p50Ms, 1),
        fixed(medians.p99Ms, 1),
        fixed(medians.maxMs, 1),
        fixed(medians.cpuSecondsPer1000, 2),
        times(ratio(medians.cpuSecondsPer1000, off?.cpuSecondsPer1000 ?? NaN)),
      ];
    }),
  );
}

/** Per mode: each app's peak RSS and RSS growth under load, and its cold start, as medians over the rounds. */
export function appTable(samples: readonly AppSample[]): string {
  const rows = mediansBy(samples, (s) => `${s.mode}\u0000${s.app}`, ['peakRssMb', 'rssGrowthMb', 'readyMs'] as const);
  const offReady = (app: string) => rows.find((row) => row.key === `off\u0000${app}`)?.medians.readyMs ?? NaN;
  return markdownTable(
    ['mode', 'app', 'peak RSS MiB', 'RSS growth under load MiB', 'cold start ms', 'vs off'],
    rows.map(({ first, medians }) => [
      first.mode,
      first.app,
      fixed(medians.peakRssMb, 0),
      fixed(medians.rssGrowthMb, 1),
      fixed(medians.readyMs, 0),
      times(ratio(medians.readyMs, offReady(first.app))),
    ]),
  );
}

export function microTable(results: readonly MicroResult[]): string {
  return markdownTable(
    ['benchmark', 'variant', 'ns per op', 'vs', 'note'],
    results.map((result) => {
      const base = results.find((r) => r.group === result.group && r.name === result.baseline);
      const versus = base ? `${times(ratio(result.nsPerOp, base.nsPerOp))} ${base.name}` : '';
      // A decimal below 10 ns, where mitata still resolves the difference (an untraced call is under 1 ns).
      return [result.group, result.name, fixed(result.nsPerOp, result.nsPerOp < 10 ? 1 : 0), versus, result.note ?? ''];
    }),
  );
}

/** The targets, each with what this run measured. */
export function targetTable(report: RunReport): string {
  const endpoints = [...new Set(report.load.map((s) => s.endpoint))];
  const rps = (endpoint: string, mode: string) =>
    median(report.load.filter((s) => s.endpoint === endpoint && s.mode === mode).map((s) => s.requestsPerSecond));
  const throughputRatio = (mode: string) => Math.min(...endpoints.map((e) => ratio(rps(e, mode), rps(e, 'off'))));
  const peakRss = (mode: string) =>
    [...new Set(report.apps.map((s) => s.app))].map((app) =>
      median(report.apps.filter((s) => s.mode === mode && s.app === app).map((s) => s.peakRssMb)),
    );
  const rounds = [...new Set(report.apps.map((s) => s.round))];
  const allReady = (mode: string, round: number) =>
    report.apps.filter((s) => s.mode === mode && s.round === round).reduce((sum, s) => sum + s.readyMs, 0);
  const coldStart = (mode: string) => median(rounds.map((round) => allReady(mode, round)));
  const memory = Math.max(...peakRss('backend-down').map((down, index) => ratio(down, peakRss('on')[index]!)));
  const micro = (name: string) => report.micro.find((r) => r.group === '@Traced() sync' && r.name === name)?.nsPerOp;
  const traced = ratio(micro('@Traced()') ?? NaN, micro('bare startActiveSpan') ?? NaN);
  const cold = ratio(coldStart('on'), coldStart('off'));
  const rows: [string, number, number, 'at least' | 'at most'][] = [
    ['`always_off` throughput vs `off` (worse endpoint)', throughputRatio('always_off'), 0.97, 'at least'],
    ['`on` throughput vs `off` (worse endpoint)', throughputRatio('on'), 0.9, 'at least'],
    ['`sampled` throughput vs `off` (worse endpoint)', throughputRatio('sampled'), 0.95, 'at least'],
    ['`backend-down` throughput vs `off` (worse endpoint)', throughputRatio('backend-down'), 0.9, 'at least'],
    ['`backend-down` peak RSS vs `on` (worst app)', memory, 1.1, 'at most'],
    ['`@Traced()` vs bare `startActiveSpan` (sync)', traced, 1.1, 'at most'],
    ['cold start, all apps, `on` vs `off`', cold, 1.25, 'at most'],
  ];
  return markdownTable(
    ['target', 'measured', 'goal', 'result'],
    rows.map(([name, measured, goal, direction]) => [
      name,
      times(measured),
      `${direction} ${goal.toFixed(2)}×`,
      verdict(measured, goal, direction),
    ]),
  );
}

/**
 * The generated tables, then `findings` when given: the hand-written part (what each optimisation gained, where the
 * time goes), kept in bench/results/findings.md so a new run does not overwrite it.
 */
export function markdownReport(report: RunReport, findings?: string): string {
  const paragraphs = [
    ['# Benchmark results', report.machine, report.settings],
    ['## Load: medians over the rounds', loadTable(report.load)],
    ['## Memory and cold start of each app: medians over the rounds', appTable(report.apps)],
    ['## Micro-benchmarks', report.micro.length > 0 ? microTable(report.micro) : '(not run)'],
    ['## Targets', targetTable(report)],
    findings ? [findings.trim()] : [],
  ];
  return `${paragraphs.flat().join('\n\n')}\n`;
}
