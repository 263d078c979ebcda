import { randomUUID } from 'node:crypto';
import { BackendBehaviour, OtlpReceiver } from './support/otlp-receiver';
import { Sample, scrape, total } from './support/prometheus';
import { Stack } from './support/stack';
import { parseTraceHeader } from './support/traceparent';
import { waitUntil } from './support/wait';

// A queue far smaller than the spans the traffic below makes, and a short export timeout, so every outage fills the
// queue and ends within the test; the defaults (2048 spans, 10 s) behave the same way, only later.
const QUEUE_SIZE = 40;
const EXPORTING_APPS = ['gateway', 'user'] as const;
const PROCESSED = 'otel_sdk_processor_span_processed';
const QUEUE = 'otel_sdk_processor_span_queue_size';

const receiver = new OtlpReceiver();
let stack: Stack;

beforeAll(async () => {
  await receiver.start();
  stack = await new Stack({
    otlpEndpoint: receiver.endpoint,
    env: {
      OTEL_BSP_MAX_QUEUE_SIZE: String(QUEUE_SIZE),
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '10',
      OTEL_EXPORTER_OTLP_TIMEOUT: '1000',
    },
  }).start();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await receiver.stop();
});

/** Creates a user and reads it back; answers the statuses and the trace id of the create. */
async function createAndReadUser(): Promise<{ statuses: number[]; traceId: string }> {
  const created = await fetch(`${stack.gatewayUrl}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `${randomUUID()}@example.com`, name: 'Outage' }),
  });
  const { id } = (await created.json()) as { id: string };
  const read = await fetch(`${stack.gatewayUrl}/users/${id}`);
  await read.arrayBuffer();
  return {
    statuses: [created.status, read.status],
    traceId: parseTraceHeader(created.headers.get('traceresponse')).traceId,
  };
}

/** `count` create-and-read rounds, four at a time. */
async function traffic(count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let sent = 0; sent < count; sent += 4) {
    const rounds = await Promise.all(Array.from({ length: 4 }, createAndReadUser));
    statuses.push(...rounds.flatMap((round) => round.statuses));
  }
  return statuses;
}

/** Spans the SDK gave up on, for any reason (a full queue, or an export that failed). */
function notDelivered(samples: Sample[]): number {
  return samples
    .filter((sample) => sample.name.startsWith(PROCESSED) && sample.labels.error_type)
    .reduce((sum, sample) => sum + sample.value, 0);
}

const outageWarnings = (app: string) =>
  stack.app(app).logs.filter((line) => line.level === 'warn' && /span export failing/.test(String(line.msg)));
const recoveries = (app: string) =>
  stack.app(app).logs.filter((line) => /span export recovered/.test(String(line.msg)));

async function expectTracesFlow(): Promise<void> {
  const { statuses, traceId } = await createAndReadUser();
  expect(statuses).toEqual([201, 200]);
  const spans = await receiver.waitForTrace(traceId, (received) =>
    EXPORTING_APPS.every((app) => received.some((span) => span.service === app)),
  );
  expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set([traceId]));
}

/**
 * After an outage the queue still holds spans from it, and spans that end while it is full are dropped: so keep
 * sending until a request made after the recovery arrives whole.
 */
async function expectTracesFlowAgain(): Promise<void> {
  const traceIds: string[] = [];
  await waitUntil(
    async () => {
      const { statuses, traceId } = await createAndReadUser();
      expect(statuses).toEqual([201, 200]);
      traceIds.push(traceId);
      return traceIds.some((id) =>
        EXPORTING_APPS.every((app) => receiver.trace(id).some((span) => span.service === app)),
      );
    },
    { intervalMs: 200, description: () => `none of ${traceIds.length} traces arrived whole` },
  );
}

describe.each<BackendBehaviour>(['refuse', 'hang', 'fail-500', 'throttle-429'])(
  'telemetry backend that answers "%s"',
  (behaviour) => {
    it('keeps serving, drops what it cannot queue, says so once, and recovers without a restart', async () => {
      await expectTracesFlow();
      const before = Object.fromEntries(
        await Promise.all(EXPORTING_APPS.map(async (app) => [app, notDelivered(await scrape(stack.httpUrl(app)))])),
      ) as Record<string, number>;
      const warningsBefore = EXPORTING_APPS.map((app) => outageWarnings(app).length);
      const recoveriesBefore = EXPORTING_APPS.map((app) => recoveries(app).length);

      await receiver.behave(behaviour);
      // Every request is served while the backend misbehaves.
      expect(new Set(await traffic(24))).toEqual(new Set([201, 200]));

      for (const [index, app] of EXPORTING_APPS.entries()) {
        const url = stack.httpUrl(app);
        await waitUntil(async () => notDelivered(await scrape(url)) > before[app], {
          description: () => `${app} never counted an undelivered span`,
        });
        await waitUntil(() => outageWarnings(app).length > warningsBefore[index], {
          description: () => `${app} never warned:\n${stack.app(app).tail()}`,
        });
        // Bounded memory: the queue never holds more than its capacity, whatever the backend does.
        const samples = await scrape(url);
        expect(total(samples, QUEUE)).toBeLessThanOrEqual(QUEUE_SIZE);
      }
      // The outage goes on with more traffic, and still only the one warning per app.
      expect(new Set(await traffic(12))).toEqual(new Set([201, 200]));
      expect(EXPORTING_APPS.map((app) => outageWarnings(app).length)).toEqual(warningsBefore.map((count) => count + 1));
      if (behaviour !== 'refuse') expect(receiver.requests[behaviour]).toBeGreaterThan(0);

      await receiver.behave('accept');
      await expectTracesFlowAgain();
      for (const [index, app] of EXPORTING_APPS.entries()) {
        await waitUntil(() => recoveries(app).length > recoveriesBefore[index], {
          description: () => `${app} never reported the recovery:\n${stack.app(app).tail()}`,
        });
      }
      expect(EXPORTING_APPS.every((app) => stack.app(app).running)).toBe(true);
    }, 60_000);
  },
);
