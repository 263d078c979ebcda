import type { INestApplication, LoggerService } from '@nestjs/common';
import { shutdownTracing } from './sdk/start-tracing';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export interface ShutdownOptions {
  /** The longest a shutdown may take before the process exits anyway, with code 1 (SHUTDOWN_TIMEOUT_MS). */
  timeoutMs: number;
  /**
   * Stops the app's servers (refuse, finish, write the replies) before `app.close()` runs the modules' destroy
   * hooks: @app/transport's shutdownDrain.
   */
  drain?: () => Promise<void>;
  /** Replaceable in tests. */
  exit?: (code: number) => void;
  /** Replaceable in tests: flushes the spans and stops the SDK. */
  flushTelemetry?: () => Promise<void>;
}

/**
 * On SIGTERM or SIGINT: drain the servers (they stop accepting, in-flight work finishes), close the app (pools close),
 * then flush the spans that work produced, then exit 0. Nest's enableShutdownHooks would re-raise the
 * signal instead, exiting 143, and would flush spans before the app had finished closing. A close that hangs
 * (a stuck connection) ends after `timeoutMs` with exit code 1. A flush that hangs (an unreachable collector) is
 * given up before that deadline, with a warning: the app itself did shut down cleanly.
 */
export function closeOnSignals(app: INestApplication, logger: LoggerService, options: ShutdownOptions): void {
  let closing = false;
  for (const signal of SIGNALS) {
    process.once(signal, () => {
      if (closing) return;
      closing = true;
      logger.log(`${signal} received, shutting down`);
      void shutDown(app, logger, options);
    });
  }
}

export async function shutDown(
  app: INestApplication,
  logger: LoggerService,
  { timeoutMs, drain, exit = (code) => process.exit(code), flushTelemetry = shutdownTracing }: ShutdownOptions,
): Promise<void> {
  const startedAt = Date.now();
  const deadline = setTimeout(() => {
    logger.error(`shutdown did not finish within ${timeoutMs} ms, exiting`);
    exit(1);
  }, timeoutMs);
  deadline.unref();
  try {
    await drain?.();
    await app.close();
  } catch (err) {
    logger.error({ err }, 'error while closing the app');
  }
  const flushBudgetMs = timeoutMs - (Date.now() - startedAt) - Math.min(500, timeoutMs / 10);
  if (!(await settlesWithin(flushTelemetry(), flushBudgetMs))) {
    logger.warn(
      `spans not flushed within the shutdown timeout (${timeoutMs} ms); the telemetry backend is not answering`,
    );
  }
  clearTimeout(deadline);
  exit(0);
}

/** True when `promise` settles (either way) within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms));
    timer.unref();
  });
  const settled = promise.then(
    () => true,
    () => true,
  );
  const result = await Promise.race([settled, timedOut]);
  clearTimeout(timer);
  return result;
}
