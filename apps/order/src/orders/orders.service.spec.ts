import { CreateOrderRequest, DomainError } from '@app/contracts';
import { useTestTracing } from '@app/tracing/testing';
import { OrdersService } from './orders.service';
import {
  ORDER_REQUEST,
  ORDER_REQUEST_TOTAL_CENTS,
  OUTBOX_ENTRY,
  USER_ID,
  UUID,
  type Write,
  OUTBOX_WRITE,
  useOrdersService,
} from './testing/orders-service.harness';

// Idempotency keys: orders.service.idempotency.spec.ts; reading orders: orders.service.reads.spec.ts.
describe(OrdersService.name, () => {
  const orders = useOrdersService();
  const { prisma, users, outbox, writtenOrderId } = orders;
  let sut: OrdersService;

  beforeEach(() => {
    sut = orders.sut;
  });

  describe('create', () => {
    const request = ORDER_REQUEST;
    const totalCents = ORDER_REQUEST_TOTAL_CENTS;

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
      expect(outbox.publishAfterCommit).not.toHaveBeenCalled();
    });

    it('writes the order, its items with their 0-based position and the computed total in one transaction', async () => {
      await sut.create(request);

      expect(prisma.$transaction).toHaveBeenCalledTimes(1);
      const [writes] = prisma.$transaction.mock.calls[0] as [Write[]];
      expect(writes.map(({ write }) => write)).toEqual(['order', 'items', 'outbox']);
      const orderId = writtenOrderId();
      expect(orderId).toMatch(UUID);
      expect(prisma.order.create).toHaveBeenCalledWith({
        data: { id: orderId, userId: USER_ID, totalCents, idempotencyKey: undefined, requestFingerprint: undefined },
        select: { status: true, createdAt: true },
      });
      expect(prisma.orderItem.createMany).toHaveBeenCalledWith({
        data: [
          { sku: 'BOOK-001', quantity: 2, unitPriceCents: 1999, orderId, position: 0 },
          { sku: 'PEN-7', quantity: 3, unitPriceCents: 250, orderId, position: 1 },
          { sku: 'A-MUG', quantity: 1, unitPriceCents: 1200, orderId, position: 2 },
        ],
      });
    });

    it('gives every order an id of its own', async () => {
      await sut.create(request);
      await sut.create(request);

      const [first, second] = (prisma.order.create.mock.calls as [{ data: { id: string } }][]).map(
        ([{ data }]) => data.id,
      );
      expect(second).not.toBe(first);
    });

    it('writes order.created to the outbox in the same transaction, with orderId, userId and totalCents', async () => {
      await sut.create(request);

      expect(outbox.add).toHaveBeenCalledTimes(1);
      const [pattern, payload] = outbox.add.mock.calls[0] as unknown[];
      expect(pattern).toBe('order.created');
      expect(payload).toEqual({ orderId: writtenOrderId(), userId: USER_ID, totalCents });
      const [writes] = prisma.$transaction.mock.calls[0] as [Write[]];
      expect(writes).toContain(OUTBOX_WRITE);
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
        committedWhenPublished = orders.committed;
      });

      await sut.create(request);

      expect(outbox.publishAfterCommit).toHaveBeenCalledTimes(1);
      expect(outbox.publishAfterCommit).toHaveBeenCalledWith(OUTBOX_ENTRY);
      expect(committedWhenPublished).toBe(true);
    });

    it('returns the view: items in request order and without their internal fields', async () => {
      const view = await sut.create(request);

      expect(view).toStrictEqual({
        id: writtenOrderId(),
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
      expect(orders.logger.entries).toEqual([
        { level: 'info', args: [{ orderId: writtenOrderId(), totalCents }, 'order created'] },
      ]);
    });

    it('fails, and publishes nothing, when the write fails', async () => {
      const writeFailed = new Error('deadlock detected');
      prisma.$transaction.mockRejectedValue(writeFailed);

      const error: unknown = await sut.create(request).catch((caught: unknown) => caught);

      expect(error).toBe(writeFailed);
      expect(outbox.publishAfterCommit).not.toHaveBeenCalled();
    });

    it('looks up no idempotency key when the client sent none', async () => {
      await sut.create(request);

      expect(prisma.order.findUnique).not.toHaveBeenCalled();
    });

    describe('with tracing', () => {
      const tracing = useTestTracing();

      it('stores the trace context of the span that writes the order with the outbox entry', async () => {
        await sut.create(request);

        const span = tracing.onlySpan('OrdersService.insert');
        expect(span.parentSpanContext?.spanId).toBe(tracing.onlySpan('OrdersService.create').spanContext().spanId);
        const [, , traceContext] = outbox.add.mock.calls[0] as [unknown, unknown, { traceparent: string }];
        expect(traceContext.traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
      });
    });
  });
});
