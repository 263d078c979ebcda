import { randomUUID } from 'node:crypto';
import {
  CreateOrderMessage,
  CreateOrderRequest,
  DomainError,
  ListUserOrdersRequest,
  ORDER_EVENTS,
  OrderList,
  OrderView,
  UsersClient,
  decodeOrderCursor,
  encodeOrderCursor,
} from '@app/contracts';
import { InjectPinoLogger, PinoLogger } from '@app/logging';
import { UNIQUE_VIOLATION, isPrismaError } from '@app/prisma';
import { Traced, injectTraceHeaders } from '@app/tracing';
import { Injectable } from '@nestjs/common';
import { Prisma, PrismaClient } from '../generated/prisma/client';
import { OutboxService } from '../outbox/outbox.service';
import { orderTotalCents } from './order-total';
import { requestFingerprint } from './request-fingerprint';

const withItems = { items: { orderBy: { position: 'asc' } } } satisfies Prisma.OrderInclude;
type OrderWithItems = Prisma.OrderGetPayload<{ include: typeof withItems }>;

/** The client's Idempotency-Key, scoped to the user, and the fingerprint of the request it came with. */
interface Idempotency {
  key: string;
  fingerprint: string;
}

@Injectable()
@Traced()
export class OrdersService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly users: UsersClient,
    private readonly outbox: OutboxService,
    @InjectPinoLogger(OrdersService.name) private readonly logger: PinoLogger,
  ) {}

  /**
   * Creates the order, or, for a retry of an Idempotency-Key, returns the order the key created first. Keys are
   * scoped to the user: two users cannot collide, and a key never reveals another user's order.
   */
  async create({ idempotencyKey, ...request }: CreateOrderMessage): Promise<OrderView> {
    const idempotency =
      idempotencyKey === undefined ? undefined : { key: idempotencyKey, fingerprint: requestFingerprint(request) };
    const earlier = idempotency && (await this.findByKey(request.userId, idempotency));
    if (earlier) {
      this.logger.info({ orderId: earlier.id }, 'idempotent retry, returning the existing order');
      return toView(earlier);
    }

    const { exists } = await this.users.exists(request.userId);
    if (!exists) throw new DomainError('ORDER_USER_UNKNOWN', `user ${request.userId} does not exist`);
    const totalCents = orderTotalCents(request.items);

    try {
      return await this.insert(request, totalCents, idempotency);
    } catch (error) {
      // A concurrent retry with the same key committed first: answer with its order, as if this one came later.
      const winner =
        idempotency && isPrismaError(error, UNIQUE_VIOLATION) && (await this.findByKey(request.userId, idempotency));
      if (winner) {
        this.logger.info({ orderId: winner.id }, 'idempotent retry raced the first request, returning its order');
        return toView(winner);
      }
      throw error;
    }
  }

  async get(id: string): Promise<OrderView> {
    const order = await this.prisma.order.findUnique({ where: { id }, include: withItems });
    if (!order) throw new DomainError('ORDER_NOT_FOUND', `order ${id} does not exist`);
    return toView(order);
  }

  /**
   * One page of the user's orders, newest first. Keyset pagination on (createdAt, id), served by the
   * orders_user_id_created_at_id_idx index: orders created while a client pages through land before its cursor, so
   * later pages neither repeat nor skip an order, and a deep page costs what the first one does.
   */
  async listByUser({ userId, limit, cursor }: ListUserOrdersRequest): Promise<OrderList> {
    const after = cursor === undefined ? undefined : decodeOrderCursor(cursor);
    // Validation already refused a bad cursor; this keeps a caller that skipped it from paging from the start.
    if (cursor !== undefined && !after) throw new DomainError('VALIDATION_FAILED', 'cursor is malformed');
    const rows = await this.prisma.order.findMany({
      where: {
        userId,
        ...(after && {
          OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }],
        }),
      },
      include: withItems,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      // One more than the page: its presence says whether there is a next page, without a count query.
      take: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const orders = page.map(toView);
    return rows.length > limit && last ? { orders, nextCursor: encodeOrderCursor(last) } : { orders };
  }

  /**
   * Writes the order, its items and its order.created event in one transaction, then publishes the event. The ids
   * are made here (Prisma makes `@default(uuid())` ones in the client anyway), so the three writes need nothing from
   * each other and go as one batch transaction: BEGIN, three INSERTs, COMMIT, with no interactive transaction and no
   * read-back of rows whose content is known. The database adds only `status` and `createdAt`, which the order's
   * INSERT returns.
   */
  private async insert(
    request: CreateOrderRequest,
    totalCents: number,
    idempotency: Idempotency | undefined,
  ): Promise<OrderView> {
    const { userId, items } = request;
    const orderId = randomUUID();
    // Captured here, in this method's span: a retry of the event by the outbox relay continues this trace.
    const event = this.outbox.add(ORDER_EVENTS.created, { orderId, userId, totalCents }, injectTraceHeaders());
    const [order] = await this.prisma.$transaction([
      this.prisma.order.create({
        data: {
          id: orderId,
          userId,
          totalCents,
          idempotencyKey: idempotency?.key,
          requestFingerprint: idempotency?.fingerprint,
        },
        select: { status: true, createdAt: true },
      }),
      this.prisma.orderItem.createMany({ data: items.map((item, position) => ({ ...item, orderId, position })) }),
      event.write,
    ]);
    this.logger.info({ orderId, totalCents }, 'order created');
    // The order is committed: its event is delivered in the background (the relay retries a failed delivery), so
    // the answer never waits on the consumer.
    this.outbox.publishAfterCommit(event.entry);
    return toView({ id: orderId, userId, totalCents, ...order, items });
  }

  /** The order created earlier with this key, or undefined; a DomainError if it was created for another request. */
  private async findByKey(userId: string, { key, fingerprint }: Idempotency): Promise<OrderWithItems | undefined> {
    const order = await this.prisma.order.findUnique({
      where: { userId_idempotencyKey: { userId, idempotencyKey: key } },
      include: withItems,
    });
    if (!order) return undefined;
    if (order.requestFingerprint !== fingerprint) {
      throw new DomainError(
        'ORDER_IDEMPOTENCY_KEY_REUSED',
        'this Idempotency-Key was already used for a different order',
      );
    }
    return order;
  }
}

/** What a view is made of: a stored order with its items, or the order just written. */
type ViewSource = Pick<OrderWithItems, 'id' | 'userId' | 'status' | 'totalCents' | 'createdAt'> & {
  items: readonly { sku: string; quantity: number; unitPriceCents: number }[];
};

function toView(order: ViewSource): OrderView {
  return {
    id: order.id,
    userId: order.userId,
    status: order.status,
    totalCents: order.totalCents,
    items: order.items.map(({ sku, quantity, unitPriceCents }) => ({ sku, quantity, unitPriceCents })),
    createdAt: order.createdAt.toISOString(),
  };
}
