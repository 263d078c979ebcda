// The OrdersService of the orders.service*.spec.ts files: built by Nest's testing module, with fakes for Prisma, the
// user service and the outbox, and the rows those fakes hand back. Kept out of the build (tsconfig.app.json).
import { CreateOrderRequest, UsersClient } from '@app/contracts';
import { recordingLogger } from '@app/logging/testing';
import { Test } from '@nestjs/testing';
import { getLoggerToken } from 'nestjs-pino';
import { PrismaClient } from '../../generated/prisma/client';
import { OutboxService } from '../../outbox/outbox.service';
import { OrdersService } from '../orders.service';

export const USER_ID = '0b6c5a52-3d5e-4c1f-9a57-0f2f4c1b8e11';
export const ORDER_ID = '5f1d7c1e-8a0b-4d7a-b3c2-6e9f0a1b2c3d';
export const CREATED_AT = new Date('2024-05-06T07:08:09.123Z');
export const WITH_ITEMS = { items: { orderBy: { position: 'asc' } } };
export const OUTBOX_ENTRY = { id: 'outbox-1', pattern: 'order.created', payload: {}, traceContext: {}, attempts: 0 };

/** The order the create specs place: three items, given in an order that is not the order of their SKUs. */
export const ORDER_REQUEST: CreateOrderRequest = {
  userId: USER_ID,
  items: [
    { sku: 'BOOK-001', quantity: 2, unitPriceCents: 1999 },
    { sku: 'PEN-7', quantity: 3, unitPriceCents: 250 },
    { sku: 'A-MUG', quantity: 1, unitPriceCents: 1200 },
  ],
};
export const ORDER_REQUEST_TOTAL_CENTS = 2 * 1999 + 3 * 250 + 1200;

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The writes of the batch transaction, as the fake Prisma makes them: each stands for its PrismaPromise. */
export type Write = { write: 'order' | 'items' | 'outbox'; args?: unknown };
export const OUTBOX_WRITE: Write = { write: 'outbox' };

/** A unique-constraint failure as Prisma raises it. */
export function uniqueViolation(): Error {
  return Object.assign(new Error('Unique constraint failed on the fields: (`user_id`,`idempotency_key`)'), {
    name: 'PrismaClientKnownRequestError',
    code: 'P2002',
  });
}

export function orderRow(
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

/**
 * A fresh OrdersService before each test, on fakes reset to a user who exists, no order under any idempotency key and
 * batch transactions that commit. `sut`, `logger` and `committed` are replaced before each test, so read them in the test.
 */
export function useOrdersService() {
  const prisma = {
    $transaction: jest.fn(),
    order: { create: jest.fn(), findUnique: jest.fn(), findMany: jest.fn() },
    orderItem: { createMany: jest.fn() },
  };
  const users = { exists: jest.fn() };
  const outbox = { add: jest.fn(), publishAfterCommit: jest.fn() };
  const harness = {
    prisma,
    users,
    outbox,
    sut: undefined as unknown as OrdersService,
    logger: recordingLogger(),
    /** Set when the fake batch transaction has run its writes, i.e. the order is committed. */
    committed: false,
    /** The order's id, as the service made it: the `id` of its INSERT. */
    writtenOrderId: () => (prisma.order.create.mock.calls[0] as [{ data: { id: string } }])[0].data.id,
  };

  beforeEach(async () => {
    jest.resetAllMocks();
    harness.committed = false;
    // What the database answers for each write: the order's INSERT ... RETURNING status and created_at.
    prisma.$transaction.mockImplementation((writes: Write[]) => {
      harness.committed = true;
      const answers = { order: { status: 'created', createdAt: CREATED_AT }, items: { count: 3 }, outbox: { id: 'x' } };
      return Promise.resolve(writes.map(({ write }) => answers[write]));
    });
    prisma.order.create.mockImplementation((args: unknown) => ({ write: 'order', args }));
    prisma.orderItem.createMany.mockImplementation((args: unknown) => ({ write: 'items', args }));
    users.exists.mockResolvedValue({ exists: true });
    prisma.order.findUnique.mockResolvedValue(null);
    outbox.add.mockReturnValue({ entry: OUTBOX_ENTRY, write: OUTBOX_WRITE });
    harness.logger = recordingLogger();

    const moduleRef = await Test.createTestingModule({
      providers: [
        OrdersService,
        PrismaClient,
        UsersClient,
        OutboxService,
        { provide: getLoggerToken(OrdersService.name), useValue: harness.logger },
      ],
    })
      .overrideProvider(PrismaClient)
      .useValue(prisma)
      .overrideProvider(UsersClient)
      .useValue(users)
      .overrideProvider(OutboxService)
      .useValue(outbox)
      .compile();
    harness.sut = moduleRef.get(OrdersService);
  });

  return harness;
}
