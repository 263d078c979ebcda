import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AppConfig } from '@app/config';
import { SENSITIVE_FIELDS, SENSITIVE_HEADERS, redactQueryObject, redactUrl } from '@app/redaction';
// The SDK's entry point, already loaded first in every app: the probe paths are defined once, for spans and logs.
import { isUntracedPath } from '@app/tracing/sdk';
import { propagation } from '@opentelemetry/api';
import type { Params } from 'nestjs-pino';
import type { LevelWithSilent } from 'pino';

/** Must match REQUEST_ID_BAGGAGE_KEY in @app/tracing; kept literal so logging does not depend on tracing. */
const REQUEST_ID_BAGGAGE_KEY = 'app.request.id';

/**
 * Paths never logged: credential headers of requests and responses, and secret-looking fields one level into any
 * logged object. Query strings are redacted by the request serializer instead (their names vary in case).
 */
export const REDACTED_PATHS = [
  ...SENSITIVE_HEADERS.flatMap((header) => [`req.headers["${header}"]`, `res.headers["${header}"]`]),
  ...SENSITIVE_FIELDS.map((field) => `*.${field}`),
];

type SerializedRequest = Record<string, unknown> & { url?: unknown; query?: unknown };

/**
 * pino-http's request serializer logs `url` with its query and Express's parsed `query`; a token sent as
 * `?access_token=…` would be in both.
 */
export function redactRequestUrl(req: SerializedRequest): SerializedRequest {
  const redacted = { ...req };
  if (typeof req.url === 'string') redacted.url = redactUrl(req.url);
  if (req.query && typeof req.query === 'object')
    redacted.query = redactQueryObject(req.query as Record<string, unknown>);
  return redacted;
}

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
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
      // Runs on pino-std-serializers' output (pino-http wraps it), before redact.
      serializers: { req: redactRequestUrl },
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
