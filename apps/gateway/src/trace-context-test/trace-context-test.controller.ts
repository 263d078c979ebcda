import { Body, Controller, HttpCode, ParseArrayPipe, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Allow, IsUrl } from 'class-validator';

/** One step of the W3C harness: POST `arguments` as JSON to `url`, carrying the propagated context. */
export class TraceContextTestCase {
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  url!: string;

  @Allow()
  arguments!: unknown;
}

const MAX_CASES = 32;

/**
 * The W3C trace-context test-harness protocol (https://github.com/w3c/trace-context/tree/main/test): each call
 * continues the incoming trace in a CLIENT span of its own (made by the undici instrumentation, as for any fetch), so
 * the harness sees the same trace id, a new parent id and the tracestate carried along. Registered only when TRACECONTEXT_TEST_ENDPOINT=true.
 */
@ApiExcludeController()
@Controller('test')
export class TraceContextTestController {
  @Post()
  @HttpCode(200)
  async run(
    @Body(new ParseArrayPipe({ items: TraceContextTestCase, whitelist: true, forbidNonWhitelisted: true }))
    cases: TraceContextTestCase[],
  ): Promise<void> {
    // Sequential, in the order given: the harness checks each callback as it arrives.
    for (const testCase of cases.slice(0, MAX_CASES)) await this.call(testCase);
  }

  private async call({ url, arguments: body }: TraceContextTestCase): Promise<void> {
    // @opentelemetry/instrumentation-undici makes the CLIENT span and puts its traceparent on the request.
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body ?? null),
        signal: AbortSignal.timeout(5000),
      });
      await response.arrayBuffer();
    } catch {
      // An unreachable callback is the harness's concern; its CLIENT span already records the error.
    }
  }
}
