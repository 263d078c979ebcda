import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { waitUntil } from './wait';

export type LogLine = Record<string, unknown> & { msg?: string; trace_id?: string; span_id?: string };

/** A process the test started, with its stdout kept line by line (JSON lines parsed). */
export class AppProcess {
  readonly lines: string[] = [];
  readonly logs: LogLine[] = [];
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    /** `detached`: its own process group, which `interrupt()` signals as a terminal's Ctrl-C does. */
    private readonly options: { cwd?: string; detached?: boolean } = {},
  ) {
    this.child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], ...options });
    this.exited = once(this.child, 'exit').then(([code]) => code as number | null);
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => this.record(line));
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the first stdout line matching `predicate`. */
  async waitForLine(predicate: (line: string) => boolean, timeoutMs = 20_000): Promise<string> {
    await waitUntil(() => this.lines.some(predicate) || !this.running, {
      timeoutMs,
      description: () => `${this.name} output:\n${this.tail()}`,
    });
    const line = this.lines.find(predicate);
    if (!line) throw new Error(`${this.name} exited before it was ready:\n${this.tail()}`);
    return line;
  }

  /** Sends `signal` and resolves with the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.running) this.child.kill(signal);
    return this.exited;
  }

  /** Sends `signal` to the whole process group (a detached process only), as Ctrl-C does; resolves with the exit code. */
  async interrupt(signal: NodeJS.Signals = 'SIGINT'): Promise<number | null> {
    if (!this.options.detached) throw new Error(`${this.name} is not detached: it has no process group of its own`);
    if (this.running) process.kill(-this.child.pid!, signal);
    return this.exited;
  }

  tail(count = 30): string {
    return this.lines.slice(-count).join('\n');
  }

  private record(line: string): void {
    this.lines.push(line);
    if (line.startsWith('{')) {
      try {
        this.logs.push(JSON.parse(line) as LogLine);
      } catch {
        // not a log line
      }
    }
  }
}
