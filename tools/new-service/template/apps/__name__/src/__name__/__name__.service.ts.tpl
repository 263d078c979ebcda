import { Create__Name__ItemRequest, __Name__ItemView } from '@app/contracts';
import { InjectPinoLogger, PinoLogger } from '@app/logging';
import { Traced } from '@app/tracing';
import { Injectable } from '@nestjs/common';
import { PrismaClient, __Name__Item } from '../generated/prisma/client';

/** Every public method runs in its own span (`__Name__Service.create`), under the message's SERVER span. */
@Injectable()
@Traced()
export class __Name__Service {
  constructor(
    private readonly prisma: PrismaClient,
    @InjectPinoLogger(__Name__Service.name) private readonly logger: PinoLogger,
  ) {}

  async create(request: Create__Name__ItemRequest): Promise<__Name__ItemView> {
    const item = await this.prisma.__nameCamel__Item.create({ data: { name: request.name } });
    this.logger.info({ itemId: item.id }, '__name__ item created');
    return toView(item);
  }
}

function toView(item: __Name__Item): __Name__ItemView {
  return { id: item.id, name: item.name, createdAt: item.createdAt.toISOString() };
}
