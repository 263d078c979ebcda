import { parseTraceHeader } from './traceparent';

export interface GatewayAnswer {
  response: Response;
  status: number;
  body: unknown;
}

/** Every error: the documented body, and the trace id of the request's own trace. */
export function expectErrorBody(result: GatewayAnswer, statusCode: number): void {
  expect(result.status).toBe(statusCode);
  expect(result.body).toEqual({
    statusCode,
    error: expect.any(String),
    message: expect.any(String),
    traceId: parseTraceHeader(result.response.headers.get('traceresponse')).traceId,
    requestId: result.response.headers.get('x-request-id'),
  });
}
