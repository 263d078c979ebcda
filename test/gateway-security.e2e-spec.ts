import { randomUUID } from 'node:crypto';
import { expectErrorBody } from './support/error-body';
import { OtlpReceiver, SpanKind } from './support/otlp-receiver';
import { Stack } from './support/stack';
import { parseTraceHeader } from './support/traceparent';

const RATE_LIMIT = 5;
const ALLOWED_ORIGIN = 'https://app.example.com';

const receiver = new OtlpReceiver();
let stack: Stack;

beforeAll(async () => {
  await receiver.start();
  // A window far longer than the suite, so the limit cannot reset halfway through the rate-limit test.
  stack = new Stack({
    otlpEndpoint: receiver.endpoint,
    env: { RATE_LIMIT_LIMIT: String(RATE_LIMIT), RATE_LIMIT_TTL_MS: '600000', CORS_ORIGINS: ALLOWED_ORIGIN },
  });
  await stack.start();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await receiver.stop();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${stack.gatewayUrl}${path}`, { headers });

/** The directives of a Content-Security-Policy header, by name. */
function cspDirectives(header: string | null): Map<string, string[]> {
  expect(header).toBeTruthy();
  return new Map(
    header!
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...values]) => [name, values]),
  );
}

// Only requests that never reach a controller (Swagger UI, preflights, unknown routes) and probes run before the
// rate-limit test, which spends the whole budget of this client.
describe('gateway security', () => {
  describe('headers (helmet)', () => {
    it('sends the safe headers and no X-Powered-By', async () => {
      const response = await get('/no-such-route');

      expect(response.status).toBe(404);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(response.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(response.headers.get('x-powered-by')).toBeNull();
      const csp = cspDirectives(response.headers.get('content-security-policy'));
      expect(csp.get('default-src')).toEqual(["'self'"]);
      expect(csp.get('script-src')).toEqual(["'self'"]);
      expect(csp.get('frame-ancestors')).toEqual(["'self'"]);
      // Would send Swagger UI's own assets to https on a plain-http deployment (security-headers.ts).
      expect(csp.has('upgrade-insecure-requests')).toBe(false);
    });

    it('still serves Swagger UI at /docs, with nothing the CSP would block', async () => {
      const page = await get('/docs');
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = cspDirectives(page.headers.get('content-security-policy'));
      expect(csp.get('script-src')).toEqual(["'self'"]);
      expect(csp.get('style-src')).toContain("'unsafe-inline'");
      const html = await page.text();

      // script-src 'self': every script is a same-origin file, none is inline.
      const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length).toBeGreaterThanOrEqual(3);
      for (const [, attributes, body] of scripts) {
        expect(attributes).toMatch(/src="/);
        expect(body.trim()).toBe('');
      }
      const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map(([, url]) => new URL(url, page.url));
      expect(assets.map((url) => url.pathname)).toEqual(
        expect.arrayContaining(['/docs/swagger-ui-bundle.js', '/docs/swagger-ui-init.js', '/docs/swagger-ui.css']),
      );
      for (const asset of assets) {
        expect(asset.origin).toBe(new URL(stack.gatewayUrl).origin);
        const response = await fetch(asset);
        expect([asset.pathname, response.status]).toEqual([asset.pathname, 200]);
      }
      // The init script points Swagger UI at the OpenAPI document, which it fetches same-origin (connect-src 'self').
      const document = await get('/docs-json');
      expect(document.status).toBe(200);
      expect(((await document.json()) as { openapi: string }).openapi).toMatch(/^3\./);
    });
  });

  describe('CORS', () => {
    const preflight = (origin: string) =>
      fetch(`${stack.gatewayUrl}/users`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });

    it('allows a preflight from a listed origin', async () => {
      const response = await preflight(ALLOWED_ORIGIN);

      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      expect(response.headers.get('access-control-allow-methods')).toContain('POST');
      expect(response.headers.get('access-control-allow-headers')).toContain('content-type');
      expect(response.headers.get('vary')).toMatch(/origin/i);
    });

    it('gives an origin that is not listed no CORS permission', async () => {
      for (const origin of ['https://evil.example.com', 'https://app.example.com.evil.example', 'null']) {
        const response = await preflight(origin);

        // Without Access-Control-Allow-Origin the browser refuses the call (cors sends the method list regardless).
        expect(response.headers.get('access-control-allow-origin')).toBeNull();
      }
    });

    it('lets a page of a listed origin read the request id and the trace', async () => {
      const response = await get('/no-such-route', { origin: ALLOWED_ORIGIN });

      expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      const exposed = response.headers.get('access-control-expose-headers')?.split(',');
      expect(exposed).toEqual(expect.arrayContaining(['x-request-id', 'traceresponse', 'retry-after']));
    });
  });

  describe('oversized headers', () => {
    it("answers 431 with the documented body, a request id and a trace, past Node's 16 KiB header limit", async () => {
      const response = await get(`/users/${randomUUID()}`, { 'x-filler': 'f'.repeat(20_000) });
      const body = (await response.json()) as Record<string, unknown>;

      expectErrorBody({ response, status: response.status, body }, 431);
      expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(response.headers.get('connection')).toBe('close');
      const [server] = await receiver.waitForTrace(body.traceId as string, (spans) =>
        spans.some((span) => span.kind === SpanKind.SERVER),
      );
      expect(server).toMatchObject({
        service: 'gateway',
        name: 'HTTP',
        attributes: { 'http.response.status_code': 431, 'app.request.id': body.requestId },
      });
      const logged = stack.app('gateway').logs.find((line) => line.request_id === body.requestId);
      expect(logged).toMatchObject({ level: 'warn', statusCode: 431 });
    });

    it('still serves the next request normally', async () => {
      expect((await get('/health/live')).status).toBe(200);
    });
  });

  describe('rate limit', () => {
    it(`answers 429 with Retry-After and the documented body after ${RATE_LIMIT} requests`, async () => {
      // Every answer counts (here 404s), and the count is per client across routes: the 6th request is to /orders.
      for (let i = 0; i < RATE_LIMIT; i++) {
        const response = await get(`/users/${randomUUID()}`);
        expect(response.status).toBe(404);
        expect(Number(response.headers.get('x-ratelimit-remaining'))).toBe(RATE_LIMIT - 1 - i);
      }

      const limited = await get(`/orders/${randomUUID()}`);

      expect(limited.status).toBe(429);
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(600);
      expect(await limited.json()).toEqual({
        statusCode: 429,
        error: 'Too Many Requests',
        message: `Too many requests; retry after ${retryAfter} s`,
        traceId: parseTraceHeader(limited.headers.get('traceresponse')).traceId,
        requestId: limited.headers.get('x-request-id'),
      });
    });

    it('never limits the probes or /metrics, even for a client over its limit', async () => {
      expect((await get(`/users/${randomUUID()}`)).status).toBe(429);

      for (let i = 0; i < RATE_LIMIT * 3; i++) {
        expect((await get('/health/live')).status).toBe(200);
        expect((await get('/health/ready')).status).toBe(200);
        expect((await get('/metrics')).status).toBe(200);
      }
    });
  });
});
