import type { INestApplication, LoggerService } from '@nestjs/common';
import { shutdownTracing } from './sdk/start-tracing';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export interface ShutdownOptions {
  /** The longest a shutdown may take before the process exits anyway, with code 1 (SHUTDOWN_TIMEOUT_MS). */
  timeoutMs: number;
  /** Replaceable in tests. */
  exit?: (code: number) => void;
}

/**
 * On SIGTERM or SIGINT: close the app (servers stop accepting, in-flight work finishes, pools close),
 * then flush the spans that work produced, then exit 0. Nest's enableShutdownHooks would re-raise the
 * signal instead, exiting 143, and would flush spans before the app had finished closing. A shutdown that
 * hangs (a stuck connection, an unreachable collector) ends after `timeoutMs` with exit code 1.
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
  { timeoutMs, exit = (code) => process.exit(code) }: ShutdownOptions,
): Promise<void> {
  const deadline = setTimeout(() => {
    logger.error(`shutdown did not finish within ${timeoutMs} ms, exiting`);
    exit(1);
  }, timeoutMs);
  deadline.unref();
  try {
    await app.close();
  } catch (err) {
    logger.error({ err }, 'error while closing the app');
  }
  await shutdownTracing().catch(() => undefined);
  clearTimeout(deadline);
  exit(0);
}
