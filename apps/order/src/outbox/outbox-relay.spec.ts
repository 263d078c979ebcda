import { APP_CONFIG } from '@app/config';
import { recordingLogger } from '@app/logging/testing';
import { useTestTracing } from '@app/tracing/testing';
import { Test } from '@nestjs/testing';
import { context, trace } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { getLoggerToken } from 'nestjs-pino';
import { PrismaClient } from '../generated/prisma/client';
import { OutboxRelay } from './outbox-relay';
import { OutboxEntry, OutboxService } from './outbox.service';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';

function entry(id: string): OutboxEntry {
  return {
    id,
    pattern: 'order.created',
    payload: { orderId: id },
    traceContext: { traceparent: `00-${TRACE_ID}-${SPAN_ID}-01` },
    attempts: 1,
  };
}

/** A promise and the function that settles it. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => (resolve = settle));
  return { promise, resolve };
}

describe(OutboxRelay.name, () => {
  const tracing = useTestTracing();
  let sut: OutboxRelay;
  let logger: ReturnType<typeof recordingLogger>;
  const prisma = { $queryRaw: jest.fn() };
  const outbox = { send: jest.fn(), markPublished: jest.fn() };
  const config = { rpc: { timeoutMs: 3000 }, outbox: { relayIntervalMs: 5, maxBackoffMs: 60_000 } };

  beforeEach(async () => {
    jest.resetAllMocks();
    prisma.$queryRaw.mockResolvedValue([]);
    outbox.send.mockResolvedValue(true);
    outbox.markPublished.mockResolvedValue(undefined);
    logger = recordingLogger();
    const moduleRef = await Test.createTestingModule({
      providers: [
        OutboxRelay,
        { provide: PrismaClient, useValue: prisma },
        { provide: OutboxService, useValue: outbox },
        { provide: APP_CONFIG, useValue: config },
        { provide: getLoggerToken(OutboxRelay.name), useValue: logger },
      ],
    }).compile();
    sut = moduleRef.get(OutboxRelay);
  });

  afterEach(() => sut.onModuleDestroy());

  describe('relayDue', () => {
    it('claims due events with one UPDATE over rows locked with SKIP LOCKED, backing off per attempt', async () => {
      await sut.relayDue();

      expect(prisma.$queryRaw).toHaveBeenCalledTimes(1);
      const [strings, ...values] = prisma.$queryRaw.mock.calls[0] as [TemplateStringsArray, ...unknown[]];
      const sql = strings.join('?').replace(/\s+/g, ' ');
      expect(sql).toContain('UPDATE outbox_events SET attempts = attempts + 1');
      expect(sql).toContain('WHERE published_at IS NULL AND next_attempt_at <= now()');
      expect(sql).toContain('FOR UPDATE SKIP LOCKED');
      expect(values).toEqual([3000, 5, 60_000, 50]);
    });

    it('claims without tracing, so an idle poll records no span', async () => {
      let suppressed: boolean | undefined;
      // Lazy like a PrismaPromise: the query runs when `then` is called, in the context of that call.
      prisma.$queryRaw.mockImplementation(() => ({
        then: (resolve: (rows: OutboxEntry[]) => void) => {
          suppressed = isTracingSuppressed(context.active());
          resolve([]);
        },
      }));

      await expect(sut.relayDue()).resolves.toBe(0);

      expect(suppressed).toBe(true);
      expect(tracing.finished()).toEqual([]);
    });

    it('sends each claimed event in the trace of the request that wrote it, and marks it published untraced', async () => {
      prisma.$queryRaw.mockResolvedValue([entry('a'), entry('b')]);
      const seen: { traceId?: string; spanId?: string; suppressed: boolean }[] = [];
      outbox.send.mockImplementation(() => {
        const parent = trace.getSpanContext(context.active());
        seen.push({
          traceId: parent?.traceId,
          spanId: parent?.spanId,
          suppressed: isTracingSuppressed(context.active()),
        });
        return Promise.resolve(true);
      });
      const markedUntraced: boolean[] = [];
      outbox.markPublished.mockImplementation(() => {
        markedUntraced.push(isTracingSuppressed(context.active()));
        return Promise.resolve();
      });

      await expect(sut.relayDue()).resolves.toBe(2);

      expect(outbox.send.mock.calls).toEqual([[entry('a')], [entry('b')]]);
      expect(seen).toEqual([
        { traceId: TRACE_ID, spanId: SPAN_ID, suppressed: false },
        { traceId: TRACE_ID, spanId: SPAN_ID, suppressed: false },
      ]);
      expect(outbox.markPublished.mock.calls).toEqual([['a'], ['b']]);
      expect(markedUntraced).toEqual([true, true]);
    });

    it('leaves an event whose send failed unmarked, and carries on with the next', async () => {
      prisma.$queryRaw.mockResolvedValue([entry('a'), entry('b')]);
      outbox.send.mockResolvedValueOnce(false).mockResolvedValueOnce(true);

      await sut.relayDue();

      expect(outbox.markPublished.mock.calls).toEqual([['b']]);
    });

    it('sends a batch at once: an event whose consumer does not answer holds back no other', async () => {
      prisma.$queryRaw.mockResolvedValue([entry('a'), entry('b')]);
      const unanswered = deferred<boolean>();
      const markedB = deferred();
      outbox.send.mockImplementation(({ id }: OutboxEntry) =>
        id === 'a' ? unanswered.promise : Promise.resolve(true),
      );
      outbox.markPublished.mockImplementation((id: string) => {
        if (id === 'b') markedB.resolve();
        return Promise.resolve();
      });

      const relaying = sut.relayDue();
      await markedB.promise;
      expect(outbox.markPublished.mock.calls).toEqual([['b']]);
      unanswered.resolve(false);

      await expect(relaying).resolves.toBe(2);
      expect(outbox.markPublished.mock.calls).toEqual([['b']]);
    });

    it('sends nothing it claimed once asked to stop', async () => {
      const stop = new AbortController();
      prisma.$queryRaw.mockImplementation(() => {
        stop.abort();
        return Promise.resolve([entry('a'), entry('b')]);
      });

      await expect(sut.relayDue(stop.signal)).resolves.toBe(2);

      expect(outbox.send).not.toHaveBeenCalled();
    });
  });

  describe('lifecycle', () => {
    it('polls every interval once the app has started, and no more once destroyed', async () => {
      const polledTwice = deferred();
      prisma.$queryRaw.mockImplementation(() => {
        if (prisma.$queryRaw.mock.calls.length === 2) polledTwice.resolve();
        return Promise.resolve([]);
      });

      sut.onApplicationBootstrap();
      await polledTwice.promise;
      await sut.onModuleDestroy();
      const polls = prisma.$queryRaw.mock.calls.length;
      await new Promise((resolve) => setTimeout(resolve, 4 * config.outbox.relayIntervalMs));

      expect(prisma.$queryRaw).toHaveBeenCalledTimes(polls);
    });

    it('lets a poll in flight finish before shutdown completes', async () => {
      const polled = deferred();
      const release = deferred<OutboxEntry[]>();
      prisma.$queryRaw.mockImplementation(() => {
        polled.resolve();
        return release.promise;
      });
      sut.onApplicationBootstrap();
      await polled.promise;

      let destroyed = false;
      const destroying = sut.onModuleDestroy().then(() => (destroyed = true));
      await new Promise((resolve) => setImmediate(resolve));
      expect(destroyed).toBe(false);
      release.resolve([]);
      await destroying;

      expect(destroyed).toBe(true);
    });

    it('logs a failed poll and keeps polling', async () => {
      const recovered = deferred();
      const down = new Error('database unreachable');
      prisma.$queryRaw.mockRejectedValueOnce(down).mockImplementation(() => {
        recovered.resolve();
        return Promise.resolve([]);
      });

      sut.onApplicationBootstrap();
      await recovered.promise;

      expect(logger.entries).toContainEqual({ level: 'error', args: [{ err: down }, 'outbox relay poll failed'] });
    });
  });
});
