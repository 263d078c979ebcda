import './tracing';
import { loadConfig } from '@app/config';
import { Logger } from '@app/logging';
import { closeOnSignals, requestContextMiddleware } from '@app/tracing';
import { shutdownDrain } from '@app/transport';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { AppModule } from './app.module';
import { answerClientErrors } from './http/client-errors';
import { useJsonBody } from './http/json-body';
import { corsOptions } from './security/cors';
import { SECURITY_HEADERS } from './security/security-headers';
import { setupSwagger } from './swagger';

async function bootstrap(): Promise<void> {
  const config = loadConfig('gateway');
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bufferLogs: true, bodyParser: false });
  // First of all, so every answer (a body the parser rejects included) carries the request id and traceresponse,
  // and the logger sees the request id and baggage.
  app.use(requestContextMiddleware({ baggageAllowlist: config.baggageAllowlist }));
  app.use(helmet(SECURITY_HEADERS));
  // Before the body parser and the routes, so a preflight is answered without touching either.
  const cors = corsOptions(config.gateway.corsOrigins);
  if (cors) app.enableCors(cors);
  // JSON only, and small: form and text bodies are refused by JsonOnlyMiddleware (415), big ones by the parser (413),
  // deep, NUL-carrying or prototype-reaching ones by checkJsonBody (400).
  useJsonBody(app);
  const logger = app.get(Logger);
  answerClientErrors(app.getHttpServer(), logger);
  app.useLogger(logger);
  setupSwagger(app);
  closeOnSignals(app, logger, { timeoutMs: config.shutdown.timeoutMs, drain: shutdownDrain(app) });
  await app.listen(config.gateway.port);
}

bootstrap().catch((error: unknown) => {
  // Before the logger exists, or after it failed: stderr, and a non-zero exit so a supervisor notices.
  console.error(error);
  process.exit(1);
});
