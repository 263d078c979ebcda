import { Global, Logger, Module, OnModuleInit } from '@nestjs/common';
import { Tracer, trace } from '@opentelemetry/api';
import { MetricsController } from './metrics/metrics.controller';
import { reportExportOutagesTo } from './sdk/export-outage';

/** Injection token for an OpenTelemetry Tracer, for code that wants spans beyond what @Traced() gives. */
export const TRACER = Symbol('TRACER');
/** The instrumentation scope of the TRACER's spans. */
export const APP_TRACER_NAME = 'app';

/** The tracer for injection, and `GET /metrics` on every app that imports it. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [{ provide: TRACER, useFactory: (): Tracer => trace.getTracer(APP_TRACER_NAME) }],
  exports: [TRACER],
})
export class TracingModule implements OnModuleInit {
  onModuleInit(): void {
    // A telemetry backend outage is reported in the app's own log (JSON, with the service name) from here on.
    reportExportOutagesTo(new Logger('OpenTelemetry'));
  }
}
