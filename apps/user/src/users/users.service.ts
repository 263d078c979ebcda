import { CreateUserRequest, DomainError, ORDER_EVENTS, OrderCreatedEvent, UserView } from '@app/contracts';
import { InjectPinoLogger, PinoLogger } from '@app/logging';
import { UNIQUE_VIOLATION, isPrismaError } from '@app/prisma';
import { Traced } from '@app/tracing';
import { Injectable } from '@nestjs/common';
import { PrismaClient, User } from '../generated/prisma/client';

@Injectable()
@Traced()
export class UsersService {
  constructor(
    private readonly prisma: PrismaClient,
    @InjectPinoLogger(UsersService.name) private readonly logger: PinoLogger,
  ) {}

  async create(request: CreateUserRequest): Promise<UserView> {
    try {
      const user = await this.prisma.user.create({ data: { email: request.email, name: request.name } });
      this.logger.info({ userId: user.id }, 'user created');
      return toView(user);
    } catch (error) {
      if (isPrismaError(error, UNIQUE_VIOLATION)) {
        throw new DomainError('USER_EMAIL_TAKEN', 'a user with this email already exists');
      }
      throw error;
    }
  }

  async get(id: string): Promise<UserView> {
    const user = await this.prisma.user.findUnique({ where: { id } });
    if (!user) throw new DomainError('USER_NOT_FOUND', `user ${id} does not exist`);
    return toView(user);
  }

  async exists(id: string): Promise<boolean> {
    return (await this.prisma.user.count({ where: { id } })) > 0;
  }

  /**
   * Consumes order.created: one more order for this user, once per order even if the event is delivered again.
   * The event is recorded in the same transaction as the count; a redelivery (or a concurrent duplicate, which
   * waits on the row) finds it there and changes nothing.
   */
  async recordOrder(event: OrderCreatedEvent): Promise<void> {
    const { userId, orderId } = event;
    const outcome = await this.prisma.$transaction(async (tx) => {
      const { count: fresh } = await tx.processedEvent.createMany({
        data: [{ eventId: `${ORDER_EVENTS.created}:${orderId}`, pattern: ORDER_EVENTS.created }],
        skipDuplicates: true,
      });
      if (fresh === 0) return 'duplicate';
      const { count } = await tx.user.updateMany({ where: { id: userId }, data: { orderCount: { increment: 1 } } });
      return count === 0 ? 'unknown user' : 'counted';
    });
    if (outcome === 'counted') this.logger.info({ userId, orderId }, 'order counted');
    else if (outcome === 'duplicate') this.logger.info({ userId, orderId }, 'order.created already applied, ignored');
    else this.logger.warn({ userId, orderId }, 'order.created for an unknown user, ignored');
  }
}

function toView(user: User): UserView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    orderCount: user.orderCount,
    createdAt: user.createdAt.toISOString(),
  };
}
