import './tracing';
import { loadConfig } from '@app/config';
import { Logger } from '@app/logging';
import { closeOnSignals, requestContextMiddleware } from '@app/tracing';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { setupSwagger } from './swagger';

async function bootstrap(): Promise<void> {
  const config = loadConfig('gateway');
  const app = await NestFactory.create(AppModule, { bufferLogs: true });
  // Ahead of every module middleware, so the logger already sees the request id and baggage.
  app.use(requestContextMiddleware({ baggageAllowlist: config.baggageAllowlist }));
  const logger = app.get(Logger);
  app.useLogger(logger);
  setupSwagger(app);
  closeOnSignals(app, logger);
  await app.listen(config.gateway.port);
}

bootstrap().catch((error: unknown) => {
  // Before the logger exists, or after it failed: stderr, and a non-zero exit so a supervisor notices.
  console.error(error);
  process.exit(1);
});
