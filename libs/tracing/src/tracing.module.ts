import { Global, Module } from '@nestjs/common';
import { Tracer, trace } from '@opentelemetry/api';

/** Injection token for an OpenTelemetry Tracer, for code that wants spans beyond what @Traced() gives. */
export const TRACER = Symbol('TRACER');

@Global()
@Module({
  providers: [{ provide: TRACER, useFactory: (): Tracer => trace.getTracer('app') }],
  exports: [TRACER],
})
export class TracingModule {}
