import { loadConfig } from '@app/config';
import { Logger } from '@app/logging';
import { closeOnSignals } from '@app/tracing';
import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { shutdownDrain } from './graceful-shutdown';
import { rpcServerStrategy } from './server-strategy';
import type { ServiceName } from './services';

/**
 * What every service's main.ts does once its tracing is loaded: messages arrive over the configured RPC transport,
 * HTTP serves health (and metrics) only, and SIGTERM or SIGINT close the service gracefully.
 */
export function runService(service: ServiceName, appModule: Type): void {
  start(service, appModule).catch((error: unknown) => {
    // Before the logger exists, or after it failed: stderr, and a non-zero exit so a supervisor notices.
    console.error(error);
    process.exit(1);
  });
}

async function start(service: ServiceName, appModule: Type): Promise<void> {
  const config = loadConfig(service);
  const app = await NestFactory.create(appModule, { bufferLogs: true });
  const logger = app.get(Logger);
  app.useLogger(logger);
  app.connectMicroservice(rpcServerStrategy(config, service), { inheritAppConfig: true });
  closeOnSignals(app, logger, { timeoutMs: config.shutdown.timeoutMs, drain: shutdownDrain(app) });
  await app.startAllMicroservices();
  await app.listen(config[service].httpPort);
}
