import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AppConfig } from '@app/config';
import { redactFields } from '@app/redaction';
// The SDK's entry point, already loaded first in every app: the probe paths are defined once, for spans and logs.
import { isUntracedPath } from '@app/tracing/sdk';
import { propagation } from '@opentelemetry/api';
import type { Params } from 'nestjs-pino';
import type { LevelWithSilent } from 'pino';
import { accessLogRequest, accessLogResponse } from './access-log';

/** Must match REQUEST_ID_BAGGAGE_KEY in @app/tracing, whose main entry loads Nest; logging imports only its SDK entry. */
const REQUEST_ID_BAGGAGE_KEY = 'app.request.id';

/**
 * One pino configuration for every app. Trace and span ids are added by @opentelemetry/instrumentation-pino
 * (`trace_id`, `span_id`, `trace_flags`); the mixin adds the request id that travels as baggage, so a line
 * logged deep inside a service still names the gateway request that caused it.
 */
export function createLoggerParams(config: Pick<AppConfig, 'app' | 'log'>): Params {
  return {
    pinoHttp: {
      level: config.log.level,
      base: { service: config.app },
      messageKey: 'msg',
      formatters: {
        level: (label) => ({ level: label }),
        // Secrets by the look of their names, at any depth of what a line logs (`{ user: { apiKey } }`), and
        // userinfo in URL-valued strings. pino's own `redact` takes fixed paths only, so it would miss
        // `x-auth-token`, `sessionid` and the next name nobody listed.
        log: (object) => redactFields(object),
      },
      // The access log's request and response: a few fields, never the header sets (see access-log.ts).
      serializers: { req: accessLogRequest, res: accessLogResponse },
      mixin: requestIdFromBaggage,
      // The gateway's request-context middleware has already settled the id (req.id) by now.
      genReqId: (req) => req.id ?? randomUUID(),
      customLogLevel: levelForStatus,
      // pino-http logs completion from a response event that runs outside the request's baggage context,
      // so the id is added from the request itself (the mixin then sees no baggage and adds nothing).
      customSuccessObject: (req, _res, value: object) => ({ ...value, request_id: req.id }),
      customErrorObject: (req, _res, _error, value: object) => ({ ...value, request_id: req.id }),
      autoLogging: { ignore: (req: IncomingMessage) => isUntracedPath(req.url) },
      transport:
        config.log.format === 'pretty'
          ? {
              target: 'pino-pretty',
              options: { singleLine: true, ignore: 'pid,hostname', messageFormat: '[{service}] {msg}' },
            }
          : undefined,
    },
  };
}

function requestIdFromBaggage(): Record<string, string> {
  const requestId = propagation.getActiveBaggage()?.getEntry(REQUEST_ID_BAGGAGE_KEY)?.value;
  return requestId ? { request_id: requestId } : {};
}

function levelForStatus(_req: IncomingMessage, res: ServerResponse, err?: Error): LevelWithSilent {
  if (err || res.statusCode >= 500) return 'error';
  if (res.statusCode >= 400) return 'warn';
  return 'info';
}
