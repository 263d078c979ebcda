import { APP_CONFIG } from '@app/config';
import { OrderEventsPublisher } from '@app/contracts';
import { recordingLogger } from '@app/logging/testing';
import { Test } from '@nestjs/testing';
import { getLoggerToken } from 'nestjs-pino';
import { PrismaClient } from '../generated/prisma/client';
import { OutboxEntry, OutboxService } from './outbox.service';

const RPC_TIMEOUT_MS = 3000;
const RELAY_INTERVAL_MS = 1000;
const TRACE_CONTEXT = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
const PAYLOAD = { orderId: 'order-1', userId: 'user-1', totalCents: 500 };
const ENTRY: OutboxEntry = {
  id: 'outbox-1',
  pattern: 'order.created',
  payload: PAYLOAD,
  traceContext: TRACE_CONTEXT,
  attempts: 0,
};

describe(OutboxService.name, () => {
  let sut: OutboxService;
  let logger: ReturnType<typeof recordingLogger>;
  const prisma = { outboxEvent: { create: jest.fn(), updateMany: jest.fn() } };
  const events = { created: jest.fn() };

  beforeEach(async () => {
    jest.resetAllMocks();
    // A PrismaPromise stands for a write the caller's batch transaction runs; a marker is enough to follow it.
    prisma.outboxEvent.create.mockReturnValue('the write');
    prisma.outboxEvent.updateMany.mockResolvedValue({ count: 1 });
    events.created.mockResolvedValue(undefined);
    logger = recordingLogger();
    const moduleRef = await Test.createTestingModule({
      providers: [
        OutboxService,
        { provide: PrismaClient, useValue: prisma },
        { provide: OrderEventsPublisher, useValue: events },
        {
          provide: APP_CONFIG,
          useValue: { rpc: { timeoutMs: RPC_TIMEOUT_MS }, outbox: { relayIntervalMs: RELAY_INTERVAL_MS } },
        },
        { provide: getLoggerToken(OutboxService.name), useValue: logger },
      ],
    }).compile();
    sut = moduleRef.get(OutboxService);
  });

  describe('add', () => {
    it("makes the write of the event with its trace context for the caller's transaction, due once a claim would be", () => {
      const before = Date.now();

      const { entry, write } = sut.add('order.created', PAYLOAD, TRACE_CONTEXT);

      expect(write).toBe('the write');
      expect(prisma.outboxEvent.create).toHaveBeenCalledTimes(1);
      const [{ data }] = prisma.outboxEvent.create.mock.calls[0] as [{ data: Record<string, unknown> }];
      expect(data).toMatchObject({
        id: entry.id,
        pattern: 'order.created',
        payload: PAYLOAD,
        traceContext: TRACE_CONTEXT,
      });
      expect(entry).toEqual({ ...ENTRY, id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      const due = (data.nextAttemptAt as Date).getTime();
      // The lease of a relay claim at attempt 0: the send's timeout plus one relay interval.
      expect(due).toBeGreaterThanOrEqual(before + RPC_TIMEOUT_MS + RELAY_INTERVAL_MS);
      expect(due).toBeLessThanOrEqual(Date.now() + RPC_TIMEOUT_MS + RELAY_INTERVAL_MS);
    });

    it('gives each event an id of its own', () => {
      const first = sut.add('order.created', PAYLOAD, TRACE_CONTEXT).entry.id;

      expect(sut.add('order.created', PAYLOAD, TRACE_CONTEXT).entry.id).not.toBe(first);
    });
  });

  describe('publishAfterCommit', () => {
    it('returns before the consumer acknowledges, and shutdown waits for the acknowledgement and the mark', async () => {
      let acknowledge!: () => void;
      events.created.mockReturnValue(new Promise<void>((resolve) => (acknowledge = resolve)));

      sut.publishAfterCommit(ENTRY);
      let shutDown = false;
      const shuttingDown = sut.onApplicationShutdown().then(() => (shutDown = true));
      await new Promise((resolve) => setImmediate(resolve));

      expect(events.created).toHaveBeenCalledWith(PAYLOAD);
      expect(shutDown).toBe(false);
      expect(prisma.outboxEvent.updateMany).not.toHaveBeenCalled();
      acknowledge();
      await shuttingDown;
      expect(prisma.outboxEvent.updateMany).toHaveBeenCalledTimes(1);
    });
  });

  describe('publish', () => {
    it('sends order.created with its payload and marks the event published', async () => {
      await expect(sut.publish(ENTRY)).resolves.toBe(true);

      expect(events.created).toHaveBeenCalledWith(PAYLOAD);
      expect(prisma.outboxEvent.updateMany).toHaveBeenCalledWith({
        where: { id: 'outbox-1' },
        data: { publishedAt: expect.any(Date) },
      });
    });

    it('leaves the event unpublished and logs a warning when the send fails', async () => {
      const down = new Error('connect ECONNREFUSED');
      events.created.mockRejectedValue(down);

      await expect(sut.publish(ENTRY)).resolves.toBe(false);

      expect(prisma.outboxEvent.updateMany).not.toHaveBeenCalled();
      expect(logger.entries).toEqual([
        {
          level: 'warn',
          args: [
            { err: down, outboxId: 'outbox-1', pattern: 'order.created', attempts: 0 },
            'event not published; the outbox relay will retry it',
          ],
        },
      ]);
    });

    it('does not throw when marking fails after a successful send', async () => {
      prisma.outboxEvent.updateMany.mockRejectedValue(new Error('connection lost'));

      await expect(sut.publish(ENTRY)).resolves.toBe(true);

      expect(logger.entries.map((entry) => entry.level)).toEqual(['warn']);
    });

    it('fails, without throwing, for a pattern it has no publisher for', async () => {
      await expect(sut.publish({ ...ENTRY, pattern: 'order.shipped' })).resolves.toBe(false);

      expect(events.created).not.toHaveBeenCalled();
      expect(prisma.outboxEvent.updateMany).not.toHaveBeenCalled();
    });
  });
});
