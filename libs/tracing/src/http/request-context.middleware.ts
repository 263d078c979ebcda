import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { Baggage, context, propagation, trace } from '@opentelemetry/api';
import { ATTR_APP_REQUEST_ID } from '../app-attributes';
import { baggageAttributes } from '../entry-span-baggage';
import { isUntracedPath } from '../sdk/untraced-paths';
import { type RoutedRequest, reportMatchedRoute } from './matched-route';

export const REQUEST_ID_HEADER = 'x-request-id';
/** Baggage key under which the request id travels to every service; also its span attribute. */
export const REQUEST_ID_BAGGAGE_KEY = ATTR_APP_REQUEST_ID;

// A client's id is kept only if it is short and plain, so it is safe in logs and headers.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface RequestContextOptions {
  /** Baggage keys a client may send in; everything else it sent is dropped at the edge. */
  baggageAllowlist: readonly string[];
}

type Request = RoutedRequest & { id?: string };

/**
 * Runs first on every gateway request (registered with app.use, ahead of the logger). It:
 * - settles the request id (the client's if sane, otherwise a new UUID) and echoes it in `x-request-id`;
 * - answers with `traceresponse` (W3C Trace Context Level 2), so a client can find its trace;
 * - names the HTTP span after the route that served the request (see reportMatchedRoute);
 * - rebuilds the baggage: allowlisted client entries plus `app.request.id`, which every service then logs.
 */
export function requestContextMiddleware(options: RequestContextOptions) {
  const allowed = new Set(options.baggageAllowlist);
  return (request: Request, response: ServerResponse, next: () => void): void => {
    const requestId = saneRequestId(request.headers[REQUEST_ID_HEADER]) ?? randomUUID();
    request.id = requestId;
    response.setHeader(REQUEST_ID_HEADER, requestId);

    const baggage = edgeBaggage(propagation.getActiveBaggage(), allowed, requestId);
    const span = trace.getActiveSpan();
    // The HTTP span started before the baggage was settled, so it gets it here; the services' entry spans get it
    // from the baggage they receive.
    span?.setAttributes(baggageAttributes(baggage));
    const spanContext = span?.spanContext();
    if (spanContext && !isUntracedPath(request.url)) {
      const flags = spanContext.traceFlags.toString(16).padStart(2, '0');
      response.setHeader('traceresponse', `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`);
    }
    reportMatchedRoute(request, response);

    context.with(propagation.setBaggage(context.active(), baggage), next);
  };
}

function saneRequestId(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' && SANE_REQUEST_ID.test(header) ? header : undefined;
}

function edgeBaggage(incoming: Baggage | undefined, allowed: ReadonlySet<string>, requestId: string): Baggage {
  const kept = (incoming?.getAllEntries() ?? []).filter(([key]) => allowed.has(key));
  return propagation.createBaggage(Object.fromEntries(kept)).setEntry(REQUEST_ID_BAGGAGE_KEY, { value: requestId });
}
