import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { ATTR_APP_REQUEST_ID, REQUEST_ID_HEADER } from '@app/tracing';
import type { LoggerService } from '@nestjs/common';
import { SpanKind, isSpanContextValid, trace } from '@opentelemetry/api';
import type { ErrorBody } from '../errors/error-body';

/** Node's own choices for errors it finds while parsing a request (lib/_http_server.js); everything else is 400. */
const STATUS_BY_CODE: Record<string, number> = {
  HPE_HEADER_OVERFLOW: 431,
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 413,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

const tracer = trace.getTracer('@app/gateway');

/**
 * Answers the requests Node's HTTP parser refuses (headers over `maxHeaderSize`: 431; a malformed request line: 400)
 * with the gateway's error body, a request id and, when tracing is on, a trace of its own. Node would answer them
 * itself with a bare status line; no request object exists, so neither Express, nor the error filter, nor the HTTP
 * instrumentation sees them. The client's own x-request-id is among the headers Node could not read, so the id is new.
 */
export function answerClientErrors(server: Server, logger: LoggerService): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // As in Node's documented example: a reset connection, or one already closing, gets no answer.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const statusCode = STATUS_BY_CODE[error.code ?? ''] ?? 400;
    const requestId = randomUUID();
    const spanContext = recordSpan(statusCode, requestId).spanContext();
    const traced = isSpanContextValid(spanContext);
    const body: ErrorBody = {
      statusCode,
      error: STATUS_CODES[statusCode] ?? 'Error',
      message:
        statusCode === 431
          ? 'Request headers are too large'
          : `The request could not be read (${STATUS_CODES[statusCode]})`,
      traceId: traced ? spanContext.traceId : null,
      requestId,
    };
    const headers = [
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(JSON.stringify(body))}`,
      'Connection: close',
      'X-Content-Type-Options: nosniff',
      `${REQUEST_ID_HEADER}: ${requestId}`,
      ...(traced
        ? [
            `traceresponse: 00-${spanContext.traceId}-${spanContext.spanId}-${spanContext.traceFlags.toString(16).padStart(2, '0')}`,
          ]
        : []),
    ];
    logger.warn({ err: error, request_id: requestId, statusCode }, `request refused by the HTTP parser: ${statusCode}`);
    socket.end(
      `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode]}\r\n${headers.join('\r\n')}\r\n\r\n${JSON.stringify(body)}`,
    );
  });
}

/** The SERVER span the HTTP instrumentation would have made; the method and route are unknown, as the request is. */
function recordSpan(statusCode: number, requestId: string) {
  const span = tracer.startSpan('HTTP', {
    kind: SpanKind.SERVER,
    attributes: {
      'http.request.method': '_OTHER',
      'http.response.status_code': statusCode,
      [ATTR_APP_REQUEST_ID]: requestId,
    },
  });
  span.end();
  return span;
}
