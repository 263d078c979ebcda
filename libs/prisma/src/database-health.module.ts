import { Controller, Get, Inject, Module } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, PrismaHealthIndicator, TerminusModule } from '@nestjs/terminus';
import { PRISMA_CLIENT, PrismaClientLike } from './prisma.module';

const PING_TIMEOUT_MS = 1000;

/** Liveness says the process serves HTTP; readiness says its database answers. Neither is traced nor logged. */
@ApiExcludeController()
@Controller('health')
export class DatabaseHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: PrismaHealthIndicator,
    @Inject(PRISMA_CLIENT) private readonly prisma: PrismaClientLike,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.database.pingCheck('database', this.prisma, { timeout: PING_TIMEOUT_MS })]);
  }
}

/** `/health/live` and `/health/ready` for a service that owns a database (needs PrismaModule.forRoot). */
@Module({
  imports: [TerminusModule],
  controllers: [DatabaseHealthController],
})
export class DatabaseHealthModule {}
