import { ConfigModule } from '@app/config';
import { LoggingModule } from '@app/logging';
import { TracingModule } from '@app/tracing';
import { Module } from '@nestjs/common';
import { HealthModule } from './health/health.module';
import { PrismaModule } from '@app/prisma';
import { PrismaService } from './prisma/prisma.service';
import { UsersModule } from './users/users.module';

const infrastructure = [
  ConfigModule.forApp('user'),
  LoggingModule.forRoot(),
  TracingModule,
  PrismaModule.forRoot(PrismaService),
];

@Module({
  imports: [...infrastructure, HealthModule, UsersModule],
})
export class AppModule {}
