import type { ChildProcess } from 'node:child_process';

export interface SuperviseOptions {
  /** How the runner reports a crash and a restart. */
  log: (message: string) => void;
  /** The first restart's delay; it doubles on each crash in a row, up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** A child that ran this long before it crashed starts again from `initialDelayMs`. */
  stableAfterMs?: number;
}

export interface Supervised {
  /** The child running now (a restart replaces it). */
  readonly current: ChildProcess;
  /** Stops restarting, sends `signal` to the child's process group and resolves once it has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Keeps one app running, as Compose's `restart: unless-stopped` would: a child that exits on its own starts again after
 * a backoff while the others run on, so readiness reports the service missing and the system recovers by itself.
 * `start` must spawn the child `detached`: `stop` signals its whole process group.
 */
export function supervise(name: string, start: () => ChildProcess, options: SuperviseOptions): Supervised {
  const { log, initialDelayMs = 500, maxDelayMs = 10_000, stableAfterMs = 10_000 } = options;
  let delayMs = initialDelayMs;
  let stopping = false;
  let restartTimer: NodeJS.Timeout | undefined;
  let current: ChildProcess;

  const launch = () => {
    const startedAt = Date.now();
    current = start();
    current.once('exit', (code, signal) => {
      if (stopping) return;
      if (Date.now() - startedAt >= stableAfterMs) delayMs = initialDelayMs;
      log(`${name} exited (${signal ?? code}); restarting in ${delayMs} ms`);
      restartTimer = setTimeout(launch, delayMs);
      delayMs = Math.min(delayMs * 2, maxDelayMs);
    });
  };
  launch();

  return {
    get current() {
      return current;
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      stopping = true;
      clearTimeout(restartTimer);
      const child = current;
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        process.kill(-child.pid!, signal);
      });
    },
  };
}
