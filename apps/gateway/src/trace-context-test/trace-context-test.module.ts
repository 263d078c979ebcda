import { loadConfig } from '@app/config';
import { DynamicModule, Module } from '@nestjs/common';
import { TraceContextTestController } from './trace-context-test.controller';

/** POST /test exists only when TRACECONTEXT_TEST_ENDPOINT=true; otherwise the route is simply not there (404). */
@Module({})
export class TraceContextTestModule {
  static register(): DynamicModule {
    const enabled = loadConfig('gateway').traceContextTestEndpoint;
    return { module: TraceContextTestModule, controllers: enabled ? [TraceContextTestController] : [] };
  }
}
