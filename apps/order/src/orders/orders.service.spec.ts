import { CreateOrderRequest, DomainError, UsersClient, encodeOrderCursor } from '@app/contracts';
import { Test } from '@nestjs/testing';
import { recordingLogger } from '@app/logging/testing';
import { useTestTracing } from '@app/tracing/testing';
import { getLoggerToken } from 'nestjs-pino';
import { PrismaClient } from '../generated/prisma/client';
import { OutboxService } from '../outbox/outbox.service';
import { OrdersService } from './orders.service';
import { requestFingerprint } from './request-fingerprint';

const USER_ID = '0b6c5a52-3d5e-4c1f-9a57-0f2f4c1b8e11';
const ORDER_ID = '5f1d7c1e-8a0b-4d7a-b3c2-6e9f0a1b2c3d';
const CREATED_AT = new Date('2024-05-06T07:08:09.123Z');
const WITH_ITEMS = { items: { orderBy: { position: 'asc' } } };

interface ItemData {
  sku: string;
  quantity: number;
  unitPriceCents: number;
  position: number;
}

interface OrderCreateArgs {
  data: {
    userId: string;
    totalCents: number;
    idempotencyKey?: string;
    requestFingerprint?: string;
    items: { create: ItemData[] };
  };
  include: unknown;
}

/** What the database hands back for a create: the written data plus generated ids, items ordered by position. */
function storedOrder({ data }: OrderCreateArgs) {
  const items = [...data.items.create]
    .sort((a, b) => a.position - b.position)
    .map((item) => ({ id: `item-${item.position}`, orderId: ORDER_ID, ...item }));
  return {
    id: ORDER_ID,
    userId: data.userId,
    status: 'created',
    totalCents: data.totalCents,
    createdAt: CREATED_AT,
    idempotencyKey: data.idempotencyKey ?? null,
    requestFingerprint: data.requestFingerprint ?? null,
    items,
  };
}

/** A unique-constraint failure as Prisma raises it. */
function uniqueViolation(): Error {
  return Object.assign(new Error('Unique constraint failed on the fields: (`user_id`,`idempotency_key`)'), {
    name: 'PrismaClientKnownRequestError',
    code: 'P2002',
  });
}

function orderRow(
  id: string,
  createdAt: Date,
  items: { sku: string; quantity: number; unitPriceCents: number }[],
  idempotency: { idempotencyKey: string | null; requestFingerprint: string | null } = {
    idempotencyKey: null,
    requestFingerprint: null,
  },
) {
  return {
    id,
    userId: USER_ID,
    status: 'created',
    totalCents: items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0),
    createdAt,
    ...idempotency,
    items: items.map((item, position) => ({ id: `${id}-item-${position}`, orderId: id, position, ...item })),
  };
}

describe(OrdersService.name, () => {
  let sut: OrdersService;
  let logger: ReturnType<typeof recordingLogger>;
  /** Set when the fake transaction's callback has settled, i.e. the order is committed. */
  let committed: boolean;
  const tx = { order: { create: jest.fn() } };
  const prisma = {
    $transaction: jest.fn(),
    order: { create: jest.fn(), findUnique: jest.fn(), findMany: jest.fn() },
  };
  const users = { exists: jest.fn() };
  const outbox = { add: jest.fn(), publishAfterCommit: jest.fn() };
  const OUTBOX_ENTRY = { id: 'outbox-1', pattern: 'order.created', payload: {}, traceContext: {}, attempts: 0 };

  beforeEach(async () => {
    jest.resetAllMocks();
    committed = false;
    prisma.$transaction.mockImplementation(async (work: (client: typeof tx) => Promise<unknown>) => {
      const result = await work(tx);
      committed = true;
      return result;
    });
    tx.order.create.mockImplementation((args: OrderCreateArgs) => Promise.resolve(storedOrder(args)));
    users.exists.mockResolvedValue({ exists: true });
    prisma.order.findUnique.mockResolvedValue(null);
    outbox.add.mockResolvedValue(OUTBOX_ENTRY);
    logger = recordingLogger();

    const moduleRef = await Test.createTestingModule({
      providers: [
        OrdersService,
        PrismaClient,
        UsersClient,
        OutboxService,
        { provide: getLoggerToken(OrdersService.name), useValue: logger },
      ],
    })
      .overrideProvider(PrismaClient)
      .useValue(prisma)
      .overrideProvider(UsersClient)
      .useValue(users)
      .overrideProvider(OutboxService)
      .useValue(outbox)
      .compile();
    sut = moduleRef.get(OrdersService);
  });

  describe('create', () => {
    const request: CreateOrderRequest = {
      userId: USER_ID,
      items: [
        { sku: 'BOOK-001', quantity: 2, unitPriceCents: 1999 },
        { sku: 'PEN-7', quantity: 3, unitPriceCents: 250 },
        { sku: 'A-MUG', quantity: 1, unitPriceCents: 1200 },
      ],
    };
    const totalCents = 2 * 1999 + 3 * 250 + 1200;

    it('asks the user service whether the user exists', async () => {
      await sut.create(request);

      expect(users.exists).toHaveBeenCalledTimes(1);
      expect(users.exists).toHaveBeenCalledWith(USER_ID);
    });

    it('throws ORDER_USER_UNKNOWN for an unknown user, without touching the database or publishing', async () => {
      users.exists.mockResolvedValue({ exists: false });

      const error: unknown = await sut.create(request).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'ORDER_USER_UNKNOWN', message: `user ${USER_ID} does not exist` });
      expect(prisma.$transaction).not.toHaveBeenCalled();
      expect(prisma.order.create).not.toHaveBeenCalled();
      expect(tx.order.create).not.toHaveBeenCalled();
      expect(outbox.publishAfterCommit).not.toHaveBeenCalled();
    });

    it('writes the order inside a transaction, items with their 0-based position and the computed total', async () => {
      await sut.create(request);

      expect(prisma.$transaction).toHaveBeenCalledTimes(1);
      expect(prisma.order.create).not.toHaveBeenCalled();
      expect(tx.order.create).toHaveBeenCalledTimes(1);
      expect(tx.order.create).toHaveBeenCalledWith({
        data: {
          userId: USER_ID,
          totalCents,
          idempotencyKey: undefined,
          requestFingerprint: undefined,
          items: {
            create: [
              { sku: 'BOOK-001', quantity: 2, unitPriceCents: 1999, position: 0 },
              { sku: 'PEN-7', quantity: 3, unitPriceCents: 250, position: 1 },
              { sku: 'A-MUG', quantity: 1, unitPriceCents: 1200, position: 2 },
            ],
          },
        },
        include: WITH_ITEMS,
      });
    });

    it('writes order.created to the outbox in the same transaction, with orderId, userId and totalCents', async () => {
      await sut.create(request);

      expect(outbox.add).toHaveBeenCalledTimes(1);
      const [client, pattern, payload] = outbox.add.mock.calls[0] as unknown[];
      expect(client).toBe(tx);
      expect(pattern).toBe('order.created');
      expect(payload).toEqual({ orderId: ORDER_ID, userId: USER_ID, totalCents });
    });

    it('rejects an order over the maximum total before writing anything', async () => {
      const huge: CreateOrderRequest = {
        userId: USER_ID,
        items: [
          { sku: 'GOLD', quantity: 1000, unitPriceCents: 1_000_000 },
          { sku: 'GOLD', quantity: 1000, unitPriceCents: 1_000_000 },
          { sku: 'GOLD', quantity: 1000, unitPriceCents: 1_000_000 },
        ],
      };

      const error: unknown = await sut.create(huge).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(prisma.$transaction).not.toHaveBeenCalled();
      expect(outbox.publishAfterCommit).not.toHaveBeenCalled();
    });

    it('publishes the outbox entry once the order is committed', async () => {
      let committedWhenPublished: boolean | undefined;
      outbox.publishAfterCommit.mockImplementation(() => {
        committedWhenPublished = committed;
      });

      await sut.create(request);

      expect(outbox.publishAfterCommit).toHaveBeenCalledTimes(1);
      expect(outbox.publishAfterCommit).toHaveBeenCalledWith(OUTBOX_ENTRY);
      expect(committedWhenPublished).toBe(true);
    });

    it('returns the view: items in request order and without their internal fields', async () => {
      const view = await sut.create(request);

      expect(view).toStrictEqual({
        id: ORDER_ID,
        userId: USER_ID,
        status: 'created',
        totalCents,
        items: [
          { sku: 'BOOK-001', quantity: 2, unitPriceCents: 1999 },
          { sku: 'PEN-7', quantity: 3, unitPriceCents: 250 },
          { sku: 'A-MUG', quantity: 1, unitPriceCents: 1200 },
        ],
        createdAt: '2024-05-06T07:08:09.123Z',
      });
      expect(logger.entries).toEqual([{ level: 'info', args: [{ orderId: ORDER_ID, totalCents }, 'order created'] }]);
    });

    it('fails, and publishes nothing, when the write fails', async () => {
      const writeFailed = new Error('deadlock detected');
      tx.order.create.mockRejectedValue(writeFailed);

      const error: unknown = await sut.create(request).catch((caught: unknown) => caught);

      expect(error).toBe(writeFailed);
      expect(outbox.publishAfterCommit).not.toHaveBeenCalled();
    });

    it('looks up no idempotency key when the client sent none', async () => {
      await sut.create(request);

      expect(prisma.order.findUnique).not.toHaveBeenCalled();
    });

    describe('with an Idempotency-Key', () => {
      const KEY = 'retry-me-7';
      const message = { ...request, idempotencyKey: KEY };
      const byKey = { where: { userId_idempotencyKey: { userId: USER_ID, idempotencyKey: KEY } }, include: WITH_ITEMS };
      const earlierOrder = (fingerprint = requestFingerprint(request)) =>
        orderRow('order-earlier', CREATED_AT, request.items, { idempotencyKey: KEY, requestFingerprint: fingerprint });

      it("stores the key and the request's fingerprint with a new order", async () => {
        await sut.create(message);

        expect(prisma.order.findUnique).toHaveBeenCalledWith(byKey);
        expect(tx.order.create).toHaveBeenCalledWith(
          expect.objectContaining({
            data: expect.objectContaining({ idempotencyKey: KEY, requestFingerprint: requestFingerprint(request) }),
          }),
        );
        expect(outbox.publishAfterCommit).toHaveBeenCalledTimes(1);
      });

      it('returns the order the key created first, without asking the user service, writing or publishing', async () => {
        prisma.order.findUnique.mockResolvedValue(earlierOrder());

        const view = await sut.create(message);

        expect(view).toMatchObject({ id: 'order-earlier', userId: USER_ID, totalCents });
        expect(users.exists).not.toHaveBeenCalled();
        expect(prisma.$transaction).not.toHaveBeenCalled();
        expect(outbox.publishAfterCommit).not.toHaveBeenCalled();
      });

      it('throws ORDER_IDEMPOTENCY_KEY_REUSED when the key was used for a different order', async () => {
        prisma.order.findUnique.mockResolvedValue(earlierOrder('f'.repeat(64)));

        const error: unknown = await sut.create(message).catch((caught: unknown) => caught);

        expect(error).toBeInstanceOf(DomainError);
        expect(error).toMatchObject({ code: 'ORDER_IDEMPOTENCY_KEY_REUSED' });
        expect(prisma.$transaction).not.toHaveBeenCalled();
        expect(outbox.publishAfterCommit).not.toHaveBeenCalled();
      });

      it('answers with the winner of a concurrent retry when its own insert hits the unique key', async () => {
        prisma.order.findUnique.mockResolvedValueOnce(null).mockResolvedValueOnce(earlierOrder());
        tx.order.create.mockRejectedValue(uniqueViolation());

        const view = await sut.create(message);

        expect(view).toMatchObject({ id: 'order-earlier' });
        expect(prisma.order.findUnique).toHaveBeenCalledTimes(2);
        expect(prisma.order.findUnique).toHaveBeenLastCalledWith(byKey);
        expect(outbox.publishAfterCommit).not.toHaveBeenCalled();
      });

      it('throws ORDER_IDEMPOTENCY_KEY_REUSED when a concurrent request with another order won the key', async () => {
        prisma.order.findUnique.mockResolvedValueOnce(null).mockResolvedValueOnce(earlierOrder('0'.repeat(64)));
        tx.order.create.mockRejectedValue(uniqueViolation());

        const error: unknown = await sut.create(message).catch((caught: unknown) => caught);

        expect(error).toMatchObject({ code: 'ORDER_IDEMPOTENCY_KEY_REUSED' });
      });

      it('rethrows a unique violation when no order holds the key', async () => {
        const violation = uniqueViolation();
        tx.order.create.mockRejectedValue(violation);

        const error: unknown = await sut.create(message).catch((caught: unknown) => caught);

        expect(error).toBe(violation);
      });

      it('rethrows a unique violation of an order without a key, looking nothing up', async () => {
        const violation = uniqueViolation();
        tx.order.create.mockRejectedValue(violation);

        const error: unknown = await sut.create(request).catch((caught: unknown) => caught);

        expect(error).toBe(violation);
        expect(prisma.order.findUnique).not.toHaveBeenCalled();
      });
    });

    describe('with tracing', () => {
      const tracing = useTestTracing();

      it('stores the trace context of the span that writes the order with the outbox entry', async () => {
        await sut.create(request);

        const span = tracing.onlySpan('OrdersService.insert');
        expect(span.parentSpanContext?.spanId).toBe(tracing.onlySpan('OrdersService.create').spanContext().spanId);
        const [, , , traceContext] = outbox.add.mock.calls[0] as [unknown, unknown, unknown, { traceparent: string }];
        expect(traceContext.traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
      });
    });
  });

  describe('get', () => {
    it('returns the view of the order with its items ordered by position', async () => {
      prisma.order.findUnique.mockResolvedValue(
        orderRow(ORDER_ID, CREATED_AT, [{ sku: 'BOOK-001', quantity: 1, unitPriceCents: 500 }]),
      );

      const view = await sut.get(ORDER_ID);

      expect(prisma.order.findUnique).toHaveBeenCalledWith({ where: { id: ORDER_ID }, include: WITH_ITEMS });
      expect(view).toStrictEqual({
        id: ORDER_ID,
        userId: USER_ID,
        status: 'created',
        totalCents: 500,
        items: [{ sku: 'BOOK-001', quantity: 1, unitPriceCents: 500 }],
        createdAt: '2024-05-06T07:08:09.123Z',
      });
    });

    it('throws ORDER_NOT_FOUND when there is no such order', async () => {
      prisma.order.findUnique.mockResolvedValue(null);

      const error: unknown = await sut.get(ORDER_ID).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'ORDER_NOT_FOUND', message: `order ${ORDER_ID} does not exist` });
    });
  });

  describe('listByUser', () => {
    const OLDER_ID = '7a0c2f4e-1b3d-4e5f-8a9b-0c1d2e3f4a5b';

    it("queries the first page of the user's orders newest first, one more than the limit", async () => {
      prisma.order.findMany.mockResolvedValue([]);

      await sut.listByUser({ userId: USER_ID, limit: 2 });

      expect(prisma.order.findMany).toHaveBeenCalledTimes(1);
      expect(prisma.order.findMany).toHaveBeenCalledWith({
        where: { userId: USER_ID },
        include: WITH_ITEMS,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: 3,
      });
    });

    it('continues after the keyset of the cursor: older orders, or as old with a smaller id', async () => {
      prisma.order.findMany.mockResolvedValue([]);
      const cursor = encodeOrderCursor({ createdAt: CREATED_AT, id: ORDER_ID });

      await sut.listByUser({ userId: USER_ID, limit: 2, cursor });

      expect(prisma.order.findMany).toHaveBeenCalledWith(
        expect.objectContaining({
          where: {
            userId: USER_ID,
            OR: [{ createdAt: { lt: CREATED_AT } }, { createdAt: CREATED_AT, id: { lt: ORDER_ID } }],
          },
        }),
      );
    });

    it('returns a full page with the cursor of its last order when the database has more', async () => {
      const newer = new Date('2024-05-07T00:00:00.000Z');
      prisma.order.findMany.mockResolvedValue([
        orderRow(ORDER_ID, newer, [{ sku: 'B', quantity: 2, unitPriceCents: 100 }]),
        orderRow(OLDER_ID, CREATED_AT, [{ sku: 'A', quantity: 1, unitPriceCents: 300 }]),
        orderRow('not-on-this-page', CREATED_AT, [{ sku: 'C', quantity: 1, unitPriceCents: 1 }]),
      ]);

      const page = await sut.listByUser({ userId: USER_ID, limit: 2 });

      expect(page).toStrictEqual({
        orders: [
          {
            id: ORDER_ID,
            userId: USER_ID,
            status: 'created',
            totalCents: 200,
            items: [{ sku: 'B', quantity: 2, unitPriceCents: 100 }],
            createdAt: '2024-05-07T00:00:00.000Z',
          },
          {
            id: OLDER_ID,
            userId: USER_ID,
            status: 'created',
            totalCents: 300,
            items: [{ sku: 'A', quantity: 1, unitPriceCents: 300 }],
            createdAt: CREATED_AT.toISOString(),
          },
        ],
        nextCursor: encodeOrderCursor({ createdAt: CREATED_AT, id: OLDER_ID }),
      });
    });

    it('returns the last page without a cursor', async () => {
      prisma.order.findMany.mockResolvedValue([
        orderRow(ORDER_ID, CREATED_AT, [{ sku: 'A', quantity: 1, unitPriceCents: 1 }]),
      ]);

      const page = await sut.listByUser({ userId: USER_ID, limit: 2 });

      expect(page.orders.map((order) => order.id)).toEqual([ORDER_ID]);
      expect(page).not.toHaveProperty('nextCursor');
    });

    it('refuses a malformed cursor with VALIDATION_FAILED, without querying', async () => {
      const error: unknown = await sut
        .listByUser({ userId: USER_ID, limit: 2, cursor: 'not-a-cursor' })
        .catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(prisma.order.findMany).not.toHaveBeenCalled();
    });
  });
});
