import { randomUUID } from 'node:crypto';
import { OtlpReceiver } from './otlp-receiver';
import { Stack } from './stack';

/**
 * The system as api-errors.e2e-spec.ts and api-tracing.e2e-spec.ts call it: an OTLP receiver and the whole system
 * exporting to it, started before the file's tests and stopped after them. The W3C trace-context test endpoint is
 * on in both, so the Swagger checks also see that it stays undocumented.
 */
export function useGatewayApi() {
  const api = {
    receiver: new OtlpReceiver(),
    /** Set before the file's first test. */
    stack: undefined as unknown as Stack,
    /** A request to the gateway: the response, its status, and its JSON body (undefined when empty). */
    async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
      const response = await fetch(`${api.stack.gatewayUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return {
        response,
        status: response.status,
        body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
      };
    },
  };

  beforeAll(async () => {
    await api.receiver.start();
    api.stack = new Stack({ otlpEndpoint: api.receiver.endpoint, env: { TRACECONTEXT_TEST_ENDPOINT: 'true' } });
    await api.stack.start();
  }, 120_000);

  afterAll(async () => {
    await api.stack?.stop();
    await api.receiver.stop();
  });

  return api;
}

/** An address no other test uses, as the email of a new user. */
export const email = () => `user-${randomUUID()}@example.com`;
