import { loadConfig } from '@app/config';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';

/**
 * RATE_LIMIT_LIMIT requests per client IP per RATE_LIMIT_TTL_MS, across the whole API (the library's default key
 * counts each route separately). Over it: 429 with `Retry-After`, answered by HttpErrorFilter like any error.
 * Probes are exempt (@SkipThrottle on the health and metrics controllers). The count lives in this process's
 * memory: with several gateway replicas each counts its own share.
 */
@Module({})
export class RateLimitModule {
  static register(): DynamicModule {
    const { limit, ttlMs } = loadConfig('gateway').gateway.rateLimit;
    if (limit === 0) return { module: RateLimitModule };
    return {
      module: RateLimitModule,
      imports: [
        ThrottlerModule.forRoot({
          throttlers: [{ limit, ttl: ttlMs }],
          generateKey: (_context, tracker, throttler) => `${throttler}:${tracker}`,
          errorMessage: (_context, { timeToBlockExpire }) => `Too many requests; retry after ${timeToBlockExpire} s`,
        }),
      ],
      providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }],
    };
  }
}
