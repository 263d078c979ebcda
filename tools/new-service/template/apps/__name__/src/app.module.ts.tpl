import { ConfigModule } from '@app/config';
import { LoggingModule } from '@app/logging';
import { TracingModule } from '@app/tracing';
import { Module } from '@nestjs/common';
import { DatabaseHealthModule, PrismaModule } from '@app/prisma';
import { PrismaClient } from './generated/prisma/client';
import { __Name__Module } from './__name__/__name__.module';

// TracingModule also serves /metrics; DatabaseHealthModule serves /health/live and /health/ready.
const infrastructure = [
  ConfigModule.forApp('__name__'),
  LoggingModule.forRoot(),
  TracingModule,
  PrismaModule.forRoot(PrismaClient),
];

@Module({
  imports: [...infrastructure, DatabaseHealthModule, __Name__Module],
})
export class AppModule {}
