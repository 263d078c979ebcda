// CPU time and memory of a process, read from Linux's /proc. Read directly rather than with `pidusage`: we need
// cumulative CPU seconds and the kernel's peak RSS (VmHWM), which /proc gives exactly, and pidusage reports a CPU
// percentage over its own sampling interval and the current RSS only.
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';

/** Clock ticks per second, the unit of utime and stime. 100 on every mainstream Linux (getconf CLK_TCK). */
export const CLOCK_TICKS_PER_SECOND = 100;

/** User plus system CPU seconds from the text of /proc/<pid>/stat. */
export function cpuSecondsFromStat(stat: string, ticksPerSecond = CLOCK_TICKS_PER_SECOND): number {
  // The command name (field 2) is in parentheses and may hold spaces or parentheses: split after its last `)`.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 (utime) and 15 (stime), counted from 1 with the pid; here field 3 (state) is index 0.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`unreadable /proc stat: ${stat}`);
  return (utime + stime) / ticksPerSecond;
}

/** A `VmXxx:   1234 kB` line of /proc/<pid>/status, in MiB. */
export function statusMebibytes(status: string, field: 'VmHWM' | 'VmRSS'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (!match) throw new Error(`no ${field} in /proc status`);
  return Number(match[1]) / 1024;
}

/** CPU seconds so far, and the peak (since the start) and current resident set size in MiB. */
export function processUsage(pid: number): { cpuSeconds: number; peakRssMb: number; rssMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return {
    cpuSeconds: cpuSecondsFromStat(readFileSync(`/proc/${pid}/stat`, 'utf8')),
    peakRssMb: statusMebibytes(status, 'VmHWM'),
    rssMb: statusMebibytes(status, 'VmRSS'),
  };
}

/** Stops a child with SIGTERM and waits for it to exit; one that has exited already is left alone. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}
