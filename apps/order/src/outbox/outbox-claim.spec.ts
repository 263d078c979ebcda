// Against a real PostgreSQL (embedded PGlite, or E2E_DATABASE_URL's server): the relay's claim is SQL whose point is
// how concurrent transactions interleave, which no mock can show.
import { recordingLogger } from '@app/logging/testing';
import { PrismaPg } from '@prisma/adapter-pg';
import { TestDatabase, createTestDatabase } from '../../../../test/support/databases';
import { PrismaClient } from '../generated/prisma/client';
import { OutboxRelay } from './outbox-relay';
import { OutboxEntry, OutboxService } from './outbox.service';

const EVENTS = 120;
const config = { rpc: { timeoutMs: 60_000 }, outbox: { relayIntervalMs: 1000, maxBackoffMs: 60_000 } };

describe(`${OutboxRelay.name} against PostgreSQL`, () => {
  let database: TestDatabase;
  const clients: PrismaClient[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('order');
  }, 60_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.$disconnect()));
    await database?.drop();
  });

  /** A replica's relay: its own connection pool, and a publisher that records what it sent. */
  function replica(sent: string[]): OutboxRelay {
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: database.url }) });
    clients.push(prisma);
    const outbox = {
      send: (entry: OutboxEntry) => {
        sent.push(entry.id);
        return Promise.resolve(true);
      },
      markPublished: (id: string) =>
        prisma.outboxEvent.update({ where: { id }, data: { publishedAt: new Date() } }).then(() => undefined),
    } as unknown as OutboxService;
    return new OutboxRelay(prisma, outbox, config as never, recordingLogger() as never);
  }

  it('hands each due event to exactly one of three concurrent replicas, and schedules none twice', async () => {
    const sent: string[][] = [[], [], []];
    const relays = sent.map((log) => replica(log));
    const past = new Date(Date.now() - 1000);
    await clients[0].outboxEvent.createMany({
      data: Array.from({ length: EVENTS }, (_, i) => ({
        pattern: 'order.created',
        payload: { orderId: `order-${i}` },
        traceContext: {},
        nextAttemptAt: past,
      })),
    });

    // Every replica polls until nothing is due; the batches of 50 overlap in time.
    await Promise.all(
      relays.map(async (relay) => {
        while ((await relay.relayDue()) > 0);
      }),
    );

    const all = sent.flat();
    expect(all).toHaveLength(EVENTS);
    expect(new Set(all).size).toBe(EVENTS);
    const rows = await clients[0].outboxEvent.findMany();
    expect(rows.filter((row) => row.publishedAt === null)).toEqual([]);
    expect(new Set(rows.map((row) => row.attempts))).toEqual(new Set([1]));
  });

  it('backs off an event whose send failed: due again only after the lease plus the backoff', async () => {
    const prisma = clients[0];
    const failing = new OutboxRelay(
      prisma,
      { send: () => Promise.resolve(false), markPublished: () => Promise.resolve() } as unknown as OutboxService,
      config as never,
      recordingLogger() as never,
    );
    const { id } = await prisma.outboxEvent.create({
      data: { pattern: 'order.created', payload: {}, traceContext: {}, nextAttemptAt: new Date(Date.now() - 1000) },
    });
    await prisma.outboxEvent.updateMany({ where: { id: { not: id } }, data: { publishedAt: new Date() } });

    const before = Date.now();
    expect(await failing.relayDue()).toBe(1);
    expect(await failing.relayDue()).toBe(0);

    const row = await prisma.outboxEvent.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ attempts: 1, publishedAt: null });
    // attempts was 0 when claimed: lease 60 s + backoff 1 s × 2^0 (database and test clocks agree to a second).
    const delay = row.nextAttemptAt.getTime() - before;
    expect(delay).toBeGreaterThan(61_000 - 1000);
    expect(delay).toBeLessThan(61_000 + 1000);
  });
});
