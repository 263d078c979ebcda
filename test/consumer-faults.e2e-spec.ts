import { randomUUID } from 'node:crypto';
import { query } from './support/query';
import { OtlpReceiver, type ReceivedSpan, SpanKind } from './support/otlp-receiver';
import { Stack, TransportKind } from './support/stack';
import { SteadyLoad } from './support/steady-load';
import { parseTraceHeader } from './support/traceparent';
import { waitUntil } from './support/wait';

/**
 * "Nothing lost" (issue 13): order.created survives a consumer that dies or stalls. Under order load, the user service
 * is killed with SIGKILL and started again, or paused with SIGSTOP past its database timeout and resumed. Afterwards
 * every committed order is counted on its user exactly once: the outbox counts an event published only once the
 * consumer has acknowledged it, the relay delivers the others again, and processed_events absorbs the duplicates.
 */
const WORKERS = 8;
const USERS = 4;
const RPC_TIMEOUT_MS = 1000;
/** The user service's only timer on the database (it applies an event in one statement, with no transaction). */
const QUERY_TIMEOUT_MS = 1500;

const receiver = new OtlpReceiver();
beforeAll(() => receiver.start());
afterAll(() => receiver.stop());

describe.each(['tcp', 'nats', 'rmq'] satisfies TransportKind[])(
  'order.created under consumer faults over %s',
  (transport) => {
    let stack: Stack;

    beforeAll(async () => {
      stack = await new Stack({
        otlpEndpoint: receiver.endpoint,
        transport,
        env: {
          RPC_TIMEOUT_MS: String(RPC_TIMEOUT_MS),
          OUTBOX_RELAY_INTERVAL_MS: '200',
          OUTBOX_RELAY_MAX_BACKOFF_MS: '1000',
          DATABASE_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS),
        },
      }).start();
    }, 120_000);

    afterAll(() => stack?.stop(), 30_000);

    async function createUsers(): Promise<string[]> {
      return Promise.all(
        Array.from({ length: USERS }, async () => {
          const response = await fetch(`${stack.gatewayUrl}/users`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email: `faults-${randomUUID()}@example.com`, name: 'Faults' }),
          });
          expect(response.status).toBe(201);
          return ((await response.json()) as { id: string }).id;
        }),
      );
    }

    /** Orders spread over `users`, one small item each. */
    const orderLoad = (users: string[]) =>
      new SteadyLoad(stack.gatewayUrl, WORKERS, (sent) => ({
        method: 'POST',
        path: '/orders',
        body: { userId: users[sent % users.length], items: [{ sku: 'FAULT-1', quantity: 1, unitPriceCents: 100 }] },
      }));

    const created = (load: SteadyLoad, atLeast: number) =>
      waitUntil(() => load.answered(201).length >= atLeast, {
        timeoutMs: 20_000,
        description: () => `${load.answered(201).length} orders created`,
      });

    const ordersDb = () => stack.env.ORDER_DATABASE_URL!;
    const usersDb = () => stack.env.USER_DATABASE_URL!;

    /** Per user: the orders committed in the order service, and the orders the user service counted. */
    async function tallies(users: string[]) {
      const committed = await query<{ id: string; orders: number }>(
        ordersDb(),
        'SELECT user_id AS id, count(*)::int AS orders FROM orders WHERE user_id = ANY($1::uuid[]) GROUP BY user_id',
        [users],
      );
      const counted = await query<{ id: string; orders: number }>(
        usersDb(),
        'SELECT id, order_count AS orders FROM users WHERE id = ANY($1::uuid[])',
        [users],
      );
      const byUser = (rows: { id: string; orders: number }[]) =>
        Object.fromEntries(users.map((id) => [id, rows.find((row) => row.id === id)?.orders ?? 0]));
      return { committed: byUser(committed), counted: byUser(counted) };
    }

    /** The outbox rows of these users' orders: how many are still unacknowledged, and how many needed the relay. */
    async function outbox(users: string[]) {
      const [row] = await query<{ unpublished: number; redelivered: number }>(
        ordersDb(),
        `SELECT count(*) FILTER (WHERE published_at IS NULL)::int AS unpublished,
              count(*) FILTER (WHERE attempts > 0)::int AS redelivered
       FROM outbox_events WHERE payload->>'userId' = ANY($1)`,
        [users],
      );
      return row;
    }

    /**
     * Waits until the relay has every event acknowledged and each user's count has caught up with its orders (an order
     * may still commit a moment after the gateway gave up on it), then checks that nothing was counted twice.
     */
    async function expectEveryOrderCountedOnce(users: string[]): Promise<void> {
      let seen: { unpublished: number; committed: Record<string, number>; counted: Record<string, number> } | undefined;
      await waitUntil(
        async () => {
          seen = { ...(await outbox(users)), ...(await tallies(users)) };
          return seen.unpublished === 0 && users.every((id) => seen!.counted[id] === seen!.committed[id]);
        },
        { timeoutMs: 30_000, description: () => JSON.stringify(seen) },
      );
      expect(Object.values(seen!.committed).reduce((sum, orders) => sum + orders, 0)).toBeGreaterThan(0);
      // Counted once each: as many processed_events rows as committed orders, and no more.
      const [{ processed }] = await query<{ processed: number }>(
        usersDb(),
        `SELECT count(*)::int AS processed FROM processed_events WHERE event_id LIKE 'order.created:%'`,
      );
      const [{ orders }] = await query<{ orders: number }>(ordersDb(), 'SELECT count(*)::int AS orders FROM orders');
      expect(processed).toBe(orders);
    }

    /** Resolves once the order service has logged a failed delivery after log line `from` (of `minAttempts` or more). */
    const deliveryFailed = (from: number, minAttempts = 0, timeoutMs = 15_000) =>
      waitUntil(
        () =>
          stack
            .app('order')
            .logs.slice(from)
            .some(
              (line) =>
                line.msg === 'event not published; the outbox relay will retry it' &&
                Number(line.attempts) >= minAttempts,
            ),
        { timeoutMs, description: () => 'no delivery of order.created failed' },
      );

    it('counts every committed order exactly once after the consumer is killed with SIGKILL and restarted', async () => {
      const users = await createUsers();
      const load = orderLoad(users);
      await created(load, 20);

      const logsAtKill = stack.app('order').logs.length;
      await stack.app('user').stop('SIGKILL');
      // The load goes on until an event has met the dead consumer.
      await deliveryFailed(logsAtKill);
      await load.stop();
      await stack.restart('user');

      await expectEveryOrderCountedOnce(users);
      // The kill caught events in flight: the relay delivered them again, in the trace of the order that wrote them.
      expect((await outbox(users)).redelivered).toBeGreaterThan(0);
      await expectRedeliveryInOriginalTrace(users);
    }, 90_000);

    it('counts every committed order exactly once after the consumer is paused past its timeouts and resumed', async () => {
      const users = await createUsers();
      const load = orderLoad(users);
      await created(load, 20);

      const user = stack.app('user');
      // The pause must catch an event in flight (sent, not yet acknowledged). No order commits while the user service
      // is paused (an order asks it whether its user exists), so a pause that caught none is lifted, and after more
      // orders, tried again.
      for (let pause = 1; ; pause++) {
        const pausedAt = Date.now();
        const logsAtPause = stack.app('order').logs.length;
        process.kill(user.pid!, 'SIGSTOP');
        try {
          // An event in flight fails its first delivery within RPC_TIMEOUT_MS of the pause.
          const caught = await deliveryFailed(logsAtPause, 0, 5 * RPC_TIMEOUT_MS).then(
            () => true,
            (error: unknown) => {
              if (pause === 3) throw error;
              return false;
            },
          );
          if (caught) {
            // Paused until that event has timed out at the relay and been sent again, and past the consumer's own
            // timeout on the statement it may have been running.
            await deliveryFailed(logsAtPause, 1);
            await waitUntil(() => Date.now() - pausedAt > QUERY_TIMEOUT_MS);
            break;
          }
        } finally {
          process.kill(user.pid!, 'SIGCONT');
        }
        await created(load, load.answered(201).length + 5);
      }
      await load.stop();

      await expectEveryOrderCountedOnce(users);
      expect((await outbox(users)).redelivered).toBeGreaterThan(0);
      await expectRedeliveryInOriginalTrace(users);
      expect(user.running).toBe(true);
    }, 120_000);

    /**
     * One redelivered event: its trace (the order's) holds the request's failed send and the relay's send, and the
     * consumer span that applied it hangs under one of them.
     */
    async function expectRedeliveryInOriginalTrace(users: string[]): Promise<void> {
      const [event] = await query<{ traceparent: string }>(
        ordersDb(),
        `SELECT trace_context->>'traceparent' AS traceparent FROM outbox_events
       WHERE attempts > 0 AND payload->>'userId' = ANY($1) LIMIT 1`,
        [users],
      );
      const { traceId } = parseTraceHeader(event.traceparent);
      const sendsIn = (trace: ReceivedSpan[]) =>
        trace.filter((span) => span.name === 'send order.created' && span.kind === SpanKind.PRODUCER);
      // The relay's send may end (and be exported) after the consumer span of the first delivery: wait for both.
      const spans = await receiver.waitForTrace(
        traceId,
        (trace) =>
          sendsIn(trace).length >= 2 &&
          trace.some(
            (consumer) =>
              consumer.name === 'process order.created' &&
              trace.some((producer) => producer.spanId === consumer.parentSpanId),
          ),
      );
      const sends = sendsIn(spans);
      expect(sends.length).toBeGreaterThanOrEqual(2);
      expect(sends.every((send) => send.service === 'order')).toBe(true);
      const consumer = spans.find((span) => span.name === 'process order.created' && span.kind === SpanKind.CONSUMER);
      expect(consumer?.service).toBe('user');
    }
  },
);
