import { ConfigModule } from '@app/config';
import { LoggingModule } from '@app/logging';
import { TracingModule } from '@app/tracing';
import { Module } from '@nestjs/common';
import { HealthModule } from './health/health.module';
import { OrdersModule } from './orders/orders.module';
import { PrismaModule } from '@app/prisma';
import { PrismaService } from './prisma/prisma.service';

const infrastructure = [
  ConfigModule.forApp('order'),
  LoggingModule.forRoot(),
  TracingModule,
  PrismaModule.forRoot(PrismaService),
];

@Module({
  imports: [...infrastructure, HealthModule, OrdersModule],
})
export class AppModule {}
