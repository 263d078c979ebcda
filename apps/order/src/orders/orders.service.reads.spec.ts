import { DomainError, encodeOrderCursor } from '@app/contracts';
import { OrdersService } from './orders.service';
import {
  CREATED_AT,
  ORDER_ID,
  USER_ID,
  WITH_ITEMS,
  orderRow,
  useOrdersService,
} from './testing/orders-service.harness';

describe(OrdersService.name, () => {
  const orders = useOrdersService();
  const { prisma } = orders;
  let sut: OrdersService;

  beforeEach(() => {
    sut = orders.sut;
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
