import { ConfigModule } from '@app/config';
import { LoggingModule } from '@app/logging';
import { TracingModule } from '@app/tracing';
import { Module } from '@nestjs/common';
import { DatabaseHealthModule, PrismaModule } from '@app/prisma';
import { PrismaClient } from './generated/prisma/client';
import { UsersModule } from './users/users.module';

const infrastructure = [
  ConfigModule.forApp('user'),
  LoggingModule.forRoot(),
  TracingModule,
  PrismaModule.forRoot(PrismaClient),
];

@Module({
  imports: [...infrastructure, DatabaseHealthModule, UsersModule],
})
export class AppModule {}
