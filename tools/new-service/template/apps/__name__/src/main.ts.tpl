import './tracing';
import { loadConfig } from '@app/config';
import { Logger } from '@app/logging';
import { closeOnSignals } from '@app/tracing';
import { rpcServerStrategy, shutdownDrain } from '@app/transport';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap(): Promise<void> {
  const config = loadConfig('__name__');
  const app = await NestFactory.create(AppModule, { bufferLogs: true });
  const logger = app.get(Logger);
  app.useLogger(logger);
  // Messages arrive over the RPC transport; HTTP serves health (and metrics) only.
  app.connectMicroservice(rpcServerStrategy(config, '__name__'), { inheritAppConfig: true });
  closeOnSignals(app, logger, { timeoutMs: config.shutdown.timeoutMs, drain: shutdownDrain(app) });
  await app.startAllMicroservices();
  await app.listen(__config__.httpPort);
}

bootstrap().catch((error: unknown) => {
  // Before the logger exists, or after it failed: stderr, and a non-zero exit so a supervisor notices.
  console.error(error);
  process.exit(1);
});
