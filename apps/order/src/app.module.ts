import { ConfigModule } from '@app/config';
import { LoggingModule } from '@app/logging';
import { TracingModule } from '@app/tracing';
import { Module } from '@nestjs/common';
import { OrdersModule } from './orders/orders.module';
import { DatabaseHealthModule, PrismaModule } from '@app/prisma';
import { PrismaClient } from './generated/prisma/client';

const infrastructure = [
  ConfigModule.forApp('order'),
  LoggingModule.forRoot(),
  TracingModule,
  PrismaModule.forRoot(PrismaClient),
];

@Module({
  imports: [...infrastructure, DatabaseHealthModule, OrdersModule],
})
export class AppModule {}
