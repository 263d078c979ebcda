import { OrdersClient, PingResponse, UsersClient } from '@app/contracts';
import { Controller, Get, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { HealthCheckFilter } from './health-check.filter';

/**
 * Liveness says the process serves HTTP; readiness says both services answer a ping over the configured
 * transport, the same path real requests take. Probes are neither traced, logged nor rate limited.
 */
@ApiExcludeController()
@SkipThrottle()
@UseFilters(HealthCheckFilter)
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly users: UsersClient,
    private readonly orders: OrdersClient,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.ping('user', () => this.users.ping()),
      () => this.ping('order', () => this.orders.ping()),
    ]);
  }

  private async ping(key: string, ping: () => Promise<PingResponse>) {
    const indicator = this.indicators.check(key);
    try {
      await ping();
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : 'no answer' });
    }
  }
}
