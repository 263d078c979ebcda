import { APP_CONFIG, AppConfig, RpcEndpoint } from '@app/config';
import { Controller, Get, Inject } from '@nestjs/common';
import { TcpClientOptions, Transport } from '@nestjs/microservices';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, MicroserviceHealthIndicator } from '@nestjs/terminus';

const PING_TIMEOUT_MS = 1000;

/** Liveness says the process serves HTTP; readiness says both services answer. Neither is traced. */
@ApiExcludeController()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly microservice: MicroserviceHealthIndicator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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
      () => this.ping('user', this.config.user.rpc),
      () => this.ping('order', this.config.order.rpc),
    ]);
  }

  private ping(key: string, endpoint: RpcEndpoint) {
    return this.microservice.pingCheck<TcpClientOptions>(key, {
      transport: Transport.TCP,
      options: endpoint,
      timeout: PING_TIMEOUT_MS,
    });
  }
}
