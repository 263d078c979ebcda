import { redactUrl } from '@app/redaction';
import type { SerializedRequest, SerializedResponse } from 'pino';

/** A user agent longer than this is cut: it is there to tell clients apart, not to store what they sent. */
const USER_AGENT_MAX = 256;

/** What the access log says about a request. */
export interface AccessLogRequest {
  method: string;
  url: string;
  userAgent?: string;
  contentLength?: number;
  remoteAddress?: string;
}

/** What the access log says about a response. */
export interface AccessLogResponse {
  statusCode: number | null;
  contentLength?: number;
}

/**
 * pino-http's request serializer, applied to pino-std-serializers' output (pino-http wraps it): what an operator
 * needs, not the whole header set. Copying every header would log a client's 8 kB baggage on every line, and each new
 * credential header would leak until someone listed it. The URL is redacted (`?access_token=…`, userinfo); the
 * request id and trace id are top-level fields of the line (`request_id`, `trace_id`).
 */
export function accessLogRequest(req: SerializedRequest): AccessLogRequest {
  const userAgent = req.headers['user-agent'];
  return {
    method: req.method,
    url: redactUrl(req.url),
    ...(typeof userAgent === 'string' && { userAgent: userAgent.slice(0, USER_AGENT_MAX) }),
    ...optionalLength(req.headers['content-length']),
    ...(req.remoteAddress && { remoteAddress: req.remoteAddress }),
  };
}

/** pino-http's response serializer: the status and the size, none of the (security) headers. */
export function accessLogResponse(res: SerializedResponse): AccessLogResponse {
  return { statusCode: res.statusCode, ...optionalLength(res.headers['content-length']) };
}

function optionalLength(header: unknown): { contentLength?: number } {
  const length = Number(header);
  return typeof header !== 'undefined' && Number.isSafeInteger(length) && length >= 0 ? { contentLength: length } : {};
}
