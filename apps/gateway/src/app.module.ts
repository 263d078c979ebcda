import { ConfigModule } from '@app/config';
import { validationOptions } from '@app/contracts';
import { LoggingModule } from '@app/logging';
import { TracingModule } from '@app/tracing';
import { RpcClientsModule } from '@app/transport';
import { MiddlewareConsumer, Module, NestModule, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { HttpErrorFilter } from './errors/http-error.filter';
import { HealthModule } from './health/health.module';
import { JsonOnlyMiddleware } from './http/json-only.middleware';
import { RateLimitModule } from './security/rate-limit.module';
import { TraceContextTestModule } from './trace-context-test/trace-context-test.module';
import { OrdersController } from './orders/orders.controller';
import { UsersController } from './users/users.controller';

const infrastructure = [
  ConfigModule.forApp('gateway'),
  LoggingModule.forRoot(),
  TracingModule,
  RpcClientsModule.register(['users', 'orders']),
];

const globalProviders = [
  { provide: APP_PIPE, useValue: new ValidationPipe(validationOptions()) },
  { provide: APP_FILTER, useClass: HttpErrorFilter },
];

@Module({
  imports: [...infrastructure, RateLimitModule.register(), HealthModule, TraceContextTestModule.register()],
  controllers: [UsersController, OrdersController],
  providers: globalProviders,
})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(JsonOnlyMiddleware).forRoutes('*');
  }
}
