import type { IncomingMessage, ServerResponse } from 'node:http';
import { context } from '@opentelemetry/api';
import { RPCType, getRPCMetadata } from '@opentelemetry/core';

/** What Express leaves on a request once a route matched it. */
export type RoutedRequest = IncomingMessage & { baseUrl?: string; route?: { path?: unknown } };

/**
 * Gives the HTTP server span its `http.route`, and with it the span's name (`GET /users/:id`) and the route label of
 * `http.server.request.duration`. It does what @opentelemetry/instrumentation-express does for that, through the same
 * public hook: the RPC metadata @opentelemetry/instrumentation-http puts in each request's context and reads when the
 * response closes. Written by hand because that is all the template used instrumentation-express for, and it paid
 * for it on every request, sampled or not: it wraps every middleware layer Express runs (helmet, the body parser,
 * the logger, ...) in a patched function and a context switch, only to learn the route Express knows anyway once
 * it has routed the request (bench/results/findings.md has the measured gain).
 */
export function reportMatchedRoute(request: RoutedRequest, response: ServerResponse): void {
  const metadata = getRPCMetadata(context.active());
  if (metadata?.type !== RPCType.HTTP) return;
  // 'finish' comes before the 'close' on which the HTTP instrumentation ends the span; by then Express has routed
  // the request, and a guard's or a filter's answer has its route too.
  response.once('finish', () => {
    const path = request.route?.path;
    if (typeof path === 'string') metadata.route = `${request.baseUrl ?? ''}${path}`;
  });
}
