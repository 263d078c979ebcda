import type { INestApplication, LoggerService } from '@nestjs/common';
import { shutdownTracing } from './sdk/start-tracing';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * On SIGTERM or SIGINT: close the app (servers stop accepting, in-flight work finishes, pools close),
 * then flush the spans that work produced, then exit 0. Nest's enableShutdownHooks would re-raise the
 * signal instead, exiting 143, and would flush spans before the app had finished closing.
 */
export function closeOnSignals(app: INestApplication, logger: LoggerService): void {
  let closing = false;
  for (const signal of SIGNALS) {
    process.once(signal, () => {
      if (closing) return;
      closing = true;
      logger.log(`${signal} received, shutting down`);
      void app
        .close()
        .catch((err: unknown) => {
          logger.error({ err }, 'error while closing the app');
        })
        .then(() => shutdownTracing())
        .catch(() => undefined)
        .finally(() => process.exit(0));
    });
  }
}
