import { randomBytes } from 'node:crypto';

/** A client-side span context, as a caller of the gateway would send it. */
export function newTraceparent(): { traceId: string; spanId: string; header: string } {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, header: `00-${traceId}-${spanId}-01` };
}

/** Parses a `traceresponse` (or `traceparent`) header. */
export function parseTraceHeader(header: string | null): { traceId: string; spanId: string } {
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/.exec(header ?? '');
  if (!match) throw new Error(`not a W3C trace header: ${header}`);
  return { traceId: match[1], spanId: match[2] };
}
