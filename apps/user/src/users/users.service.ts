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
   * Consumes order.created: one more order for this user, once per order however often the event is delivered.
   * One statement records the event in processed_events and increments the count only if that insert was new, so
   * a redelivery (or a concurrent duplicate, which waits on the key's index entry) changes nothing.
   *
   * A single autocommitted statement, not an interactive transaction (issue 13): a consumer paused or killed
   * mid-transaction held its locks until it came back, then failed on "an expired transaction"; a statement
   * either commits in PostgreSQL whatever happens to this process, or not at all. Resolving is the
   * acknowledgement the outbox relay waits for; if it never arrives, the relay delivers again.
   */
  async recordOrder({ userId, orderId }: OrderCreatedEvent): Promise<void> {
    const eventId = `${ORDER_EVENTS.created}:${orderId}`;
    const [{ recorded, counted }] = await this.prisma.$queryRaw<{ recorded: boolean; counted: boolean }[]>`
      WITH recorded AS (
        INSERT INTO processed_events (event_id, pattern) VALUES (${eventId}, ${ORDER_EVENTS.created})
        ON CONFLICT (event_id) DO NOTHING
        RETURNING event_id
      ), counted AS (
        UPDATE users SET order_count = order_count + 1
        WHERE id = ${userId}::uuid AND EXISTS (SELECT FROM recorded)
        RETURNING id
      )
      SELECT EXISTS (SELECT FROM recorded) AS recorded, EXISTS (SELECT FROM counted) AS counted`;
    if (counted) this.logger.info({ userId, orderId }, 'order counted');
    else if (!recorded) this.logger.info({ userId, orderId }, 'order.created already applied, ignored');
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
