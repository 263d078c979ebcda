import { DomainError } from '@app/contracts';
import { OrdersService } from './orders.service';
import { requestFingerprint } from './request-fingerprint';
import {
  CREATED_AT,
  ORDER_REQUEST,
  ORDER_REQUEST_TOTAL_CENTS,
  USER_ID,
  WITH_ITEMS,
  orderRow,
  uniqueViolation,
  useOrdersService,
} from './testing/orders-service.harness';

describe(OrdersService.name, () => {
  const orders = useOrdersService();
  const { prisma, users, outbox } = orders;
  let sut: OrdersService;

  beforeEach(() => {
    sut = orders.sut;
  });

  describe('create', () => {
    const request = ORDER_REQUEST;
    const totalCents = ORDER_REQUEST_TOTAL_CENTS;

    describe('with an Idempotency-Key', () => {
      const KEY = 'retry-me-7';
      const message = { ...request, idempotencyKey: KEY };
      const byKey = { where: { userId_idempotencyKey: { userId: USER_ID, idempotencyKey: KEY } }, include: WITH_ITEMS };
      const earlierOrder = (fingerprint = requestFingerprint(request)) =>
        orderRow('order-earlier', CREATED_AT, request.items, { idempotencyKey: KEY, requestFingerprint: fingerprint });

      it("stores the key and the request's fingerprint with a new order", async () => {
        await sut.create(message);

        expect(prisma.order.findUnique).toHaveBeenCalledWith(byKey);
        expect(prisma.order.create).toHaveBeenCalledWith(
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
        prisma.$transaction.mockRejectedValue(uniqueViolation());

        const view = await sut.create(message);

        expect(view).toMatchObject({ id: 'order-earlier' });
        expect(prisma.order.findUnique).toHaveBeenCalledTimes(2);
        expect(prisma.order.findUnique).toHaveBeenLastCalledWith(byKey);
        expect(outbox.publishAfterCommit).not.toHaveBeenCalled();
      });

      it('throws ORDER_IDEMPOTENCY_KEY_REUSED when a concurrent request with another order won the key', async () => {
        prisma.order.findUnique.mockResolvedValueOnce(null).mockResolvedValueOnce(earlierOrder('0'.repeat(64)));
        prisma.$transaction.mockRejectedValue(uniqueViolation());

        const error: unknown = await sut.create(message).catch((caught: unknown) => caught);

        expect(error).toMatchObject({ code: 'ORDER_IDEMPOTENCY_KEY_REUSED' });
      });

      it('rethrows a unique violation when no order holds the key', async () => {
        const violation = uniqueViolation();
        prisma.$transaction.mockRejectedValue(violation);

        const error: unknown = await sut.create(message).catch((caught: unknown) => caught);

        expect(error).toBe(violation);
      });

      it('rethrows a unique violation of an order without a key, looking nothing up', async () => {
        const violation = uniqueViolation();
        prisma.$transaction.mockRejectedValue(violation);

        const error: unknown = await sut.create(request).catch((caught: unknown) => caught);

        expect(error).toBe(violation);
        expect(prisma.order.findUnique).not.toHaveBeenCalled();
      });
    });
  });
});
