import { CreateUserRequest, DomainError, UserView } from '@app/contracts';
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

  /** Consumes order.created: one more order for this user. */
  async recordOrder(userId: string): Promise<void> {
    const { count } = await this.prisma.user.updateMany({
      where: { id: userId },
      data: { orderCount: { increment: 1 } },
    });
    if (count === 0) this.logger.warn({ userId }, 'order.created for an unknown user, ignored');
    else this.logger.info({ userId }, 'order counted');
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
