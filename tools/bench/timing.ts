// A small timing loop for the micro-benchmarks: variants measured in interleaved samples, so drift on a shared
// machine touches them alike, and the median over the samples in nanoseconds per operation.
import { median } from './report.ts';

export interface TimingOptions {
  /** Operations per sample. */
  ops: number;
  samples: number;
}

/** Keeps results reachable, so the optimiser cannot drop the work that made them. */
export let blackhole: unknown;

/** `variants` by name, each one operation; a returned promise is awaited before the next. */
export async function nanosecondsPerOp(
  variants: Record<string, () => unknown>,
  { ops, samples }: TimingOptions,
): Promise<Map<string, number>> {
  const times = new Map(Object.keys(variants).map((name) => [name, [] as number[]]));
  // The first pass warms the JIT and is thrown away.
  for (let sample = -1; sample < samples; sample++) {
    for (const [name, run] of Object.entries(variants)) {
      const started = performance.now();
      for (let op = 0; op < ops; op++) {
        const result = run();
        blackhole = result instanceof Promise ? await result : result;
      }
      if (sample >= 0) times.get(name)!.push(((performance.now() - started) * 1e6) / ops);
    }
  }
  return new Map([...times].map(([name, values]) => [name, median(values)]));
}
