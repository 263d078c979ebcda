// Fixed HTTP load with autocannon (the library): a fixed count of connections for a fixed time, one endpoint at a time.
import { createRequire } from 'node:module';
import type { LoadResult } from './report.ts';

/** The part of autocannon's options and result the bench uses (autocannon ships no types). */
interface AutocannonOptions {
  url: string;
  method: 'GET' | 'POST';
  connections: number;
  duration: number;
  headers?: Record<string, string>;
  body?: string;
}
interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number; max: number; totalCount: number };
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
}
type Autocannon = (options: AutocannonOptions) => Promise<AutocannonResult>;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export interface Endpoint {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

export async function drive(
  baseUrl: string,
  endpoint: Endpoint,
  { connections, seconds }: { connections: number; seconds: number },
): Promise<LoadResult> {
  const result = await autocannon({
    url: `${baseUrl}${endpoint.path}`,
    method: endpoint.method,
    connections,
    duration: seconds,
    ...(endpoint.body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(endpoint.body) }),
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    responses: result['2xx'] + result.non2xx,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}
