import { Global, Module } from '@nestjs/common';
import { Tracer, trace } from '@opentelemetry/api';
import { MetricsController } from './metrics/metrics.controller';

/** Injection token for an OpenTelemetry Tracer, for code that wants spans beyond what @Traced() gives. */
export const TRACER = Symbol('TRACER');

/** The tracer for injection, and `GET /metrics` on every app that imports it. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [{ provide: TRACER, useFactory: (): Tracer => trace.getTracer('app') }],
  exports: [TRACER],
})
export class TracingModule {}
