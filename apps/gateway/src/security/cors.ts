import type { CorsOptions } from '@nestjs/common/interfaces/external/cors-options.interface';
import { REQUEST_ID_HEADER } from '@app/tracing';

/**
 * CORS for the listed origins only, matched exactly; undefined (CORS off, no Access-Control-* headers) when none are
 * listed. A browser page may then read the ids a client needs to report a problem: the request id and the trace
 * (`traceresponse`), and how long to wait after a 429. No credentials: the API uses no cookies.
 */
export function corsOptions(origins: readonly string[]): CorsOptions | undefined {
  if (origins.length === 0) return undefined;
  return {
    origin: [...origins],
    exposedHeaders: [REQUEST_ID_HEADER, 'traceresponse', 'retry-after'],
    // Browsers cache a preflight for at most 2 hours (Chromium) anyway.
    maxAge: 7200,
  };
}
