import { CreateOrderRequest, DomainError, OrderEventsPublisher, OrderView, UsersClient } from '@app/contracts';
import { InjectPinoLogger, PinoLogger } from '@app/logging';
import { Traced } from '@app/tracing';
import { Injectable } from '@nestjs/common';
import { Prisma, PrismaClient } from '../generated/prisma/client';
import { orderTotalCents } from './order-total';

const withItems = { items: { orderBy: { position: 'asc' } } } satisfies Prisma.OrderInclude;
type OrderWithItems = Prisma.OrderGetPayload<{ include: typeof withItems }>;

@Injectable()
@Traced()
export class OrdersService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly users: UsersClient,
    private readonly events: OrderEventsPublisher,
    @InjectPinoLogger(OrdersService.name) private readonly logger: PinoLogger,
  ) {}

  async create(request: CreateOrderRequest): Promise<OrderView> {
    const { exists } = await this.users.exists(request.userId);
    if (!exists) throw new DomainError('ORDER_USER_UNKNOWN', `user ${request.userId} does not exist`);

    const totalCents = orderTotalCents(request.items);
    const order = await this.prisma.$transaction((tx) =>
      tx.order.create({
        data: {
          userId: request.userId,
          totalCents,
          items: { create: request.items.map((item, position) => ({ ...item, position })) },
        },
        include: withItems,
      }),
    );
    this.logger.info({ orderId: order.id, totalCents }, 'order created');

    await this.publishCreated(order);
    return toView(order);
  }

  async get(id: string): Promise<OrderView> {
    const order = await this.prisma.order.findUnique({ where: { id }, include: withItems });
    if (!order) throw new DomainError('ORDER_NOT_FOUND', `order ${id} does not exist`);
    return toView(order);
  }

  async listByUser(userId: string): Promise<OrderView[]> {
    const orders = await this.prisma.order.findMany({
      where: { userId },
      include: withItems,
      orderBy: { createdAt: 'desc' },
    });
    return orders.map(toView);
  }

  // The order is committed by now; a lost event must not turn it into a failed request the client retries.
  private async publishCreated(order: OrderWithItems): Promise<void> {
    try {
      await this.events.created({ orderId: order.id, userId: order.userId, totalCents: order.totalCents });
    } catch (err) {
      this.logger.error({ err, orderId: order.id }, 'order.created could not be published');
    }
  }
}

function toView(order: OrderWithItems): OrderView {
  return {
    id: order.id,
    userId: order.userId,
    status: order.status,
    totalCents: order.totalCents,
    items: order.items.map(({ sku, quantity, unitPriceCents }) => ({ sku, quantity, unitPriceCents })),
    createdAt: order.createdAt.toISOString(),
  };
}
