import type { IncomingMessage } from 'node:http';
import { diag } from '@opentelemetry/api';
import { getStringListFromEnv } from '@opentelemetry/core';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { PrismaInstrumentation } from '@prisma/instrumentation';
import { isUntracedPath } from './untraced-paths';

const PRISMA_STEPS_NOT_TRACED = ['prisma:client:serialize', 'prisma:client:compile'];

/**
 * Only what the template uses: no auto-instrumentations meta package, so no fs, dns or net spans. Keyed by the
 * names OTEL_NODE_DISABLED_INSTRUMENTATIONS takes (the package name without `@opentelemetry/instrumentation-`).
 * Nest's TCP, NATS and RabbitMQ transports are traced by our propagation layer (libs/tracing/src/propagation).
 */
const INSTRUMENTATIONS = {
  http: () =>
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request: IncomingMessage) => isUntracedPath(request.url),
    }),
  // No instrumentation-express: the HTTP span's route comes from the route Express matched (reportMatchedRoute in
  // libs/tracing/src/http), which costs one listener per request instead of a wrapper around every middleware layer.
  // The controller and handler spans under the HTTP span (`OrdersController.create`, then `create`), with nestjs.*
  // attributes; `Create Nest App` at boot.
  'nestjs-core': () => new NestInstrumentation(),
  // fetch(): a CLIENT span and the traceparent on the outgoing request. http.request is the http instrumentation's.
  undici: () => new UndiciInstrumentation(),
  // Only active with TRANSPORT=grpc. Health pings are probes, not traffic.
  grpc: () => new GrpcInstrumentation({ ignoreGrpcMethods: ['Ping'] }),
  // Correlation only: logs go to stdout, not to an OTel logs pipeline.
  pino: () => new PinoInstrumentation({ disableLogSending: true }),
  // One span per operation and one per SQL query (`prisma:client:operation`, `prisma:client:db_query`). The query
  // compiler's `serialize` and `compile` steps are microseconds of in-process work that each cost a span per query.
  prisma: () => new PrismaInstrumentation({ ignoreSpanTypes: [...PRISMA_STEPS_NOT_TRACED] }),
  // Event-loop delay, heap and GC, for the dashboard's runtime row.
  'runtime-node': () => new RuntimeNodeInstrumentation(),
} satisfies Record<string, () => Instrumentation>;

export type InstrumentationName = keyof typeof INSTRUMENTATIONS;
export const INSTRUMENTATION_NAMES = Object.keys(INSTRUMENTATIONS) as InstrumentationName[];

/**
 * The template's instrumentations minus those named in OTEL_NODE_DISABLED_INSTRUMENTATIONS (comma-separated, as
 * @opentelemetry/auto-instrumentations-node reads it; NodeSDK itself does not read it). A disabled one is not even
 * constructed: an instrumentation patches its module as soon as it is made.
 */
export function createInstrumentations(): Instrumentation[] {
  const disabled = new Set(getStringListFromEnv('OTEL_NODE_DISABLED_INSTRUMENTATIONS') ?? []);
  for (const name of disabled) {
    if (!(name in INSTRUMENTATIONS)) {
      diag.warn(`OTEL_NODE_DISABLED_INSTRUMENTATIONS: unknown "${name}" (${INSTRUMENTATION_NAMES.join(', ')})`);
    }
  }
  return INSTRUMENTATION_NAMES.filter((name) => !disabled.has(name)).map((name) => INSTRUMENTATIONS[name]());
}
