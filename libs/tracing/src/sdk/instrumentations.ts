import type { IncomingMessage } from 'node:http';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import { PrismaInstrumentation } from '@prisma/instrumentation';

const PRISMA_STEPS_NOT_TRACED = ['prisma:client:serialize', 'prisma:client:compile'];

/** Paths that probes hit every few seconds; tracing them would bury real traffic. */
const UNTRACED_PATHS = ['/health', '/metrics'];

export function isUntracedPath(url: string | undefined): boolean {
  const path = (url ?? '').split('?')[0];
  return UNTRACED_PATHS.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/**
 * Only what the template uses: no auto-instrumentations meta package, so no fs, dns or net spans.
 * Nest's TCP, NATS and RabbitMQ transports are traced by our propagation layer (libs/tracing/src/propagation).
 */
export function createInstrumentations() {
  return [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request: IncomingMessage) => isUntracedPath(request.url),
    }),
    // Kept for the route it gives the HTTP span (`GET /users/:id`, `http.route`). Its layer spans (middleware,
    // routers, Nest's request handlers) would add several spans per request that say nothing the HTTP span doesn't.
    new ExpressInstrumentation({
      ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER, ExpressLayerType.REQUEST_HANDLER],
    }),
    // No @opentelemetry/instrumentation-nestjs-core: its two spans per request (`UsersController.get`, then `get`)
    // repeated the HTTP span's route and time at a measured cost (bench/results). The HTTP span is the controller's
    // span; the gateway's error filter records unexpected exceptions on it.
    // Only active with TRANSPORT=grpc. Health pings are probes, not traffic.
    new GrpcInstrumentation({ ignoreGrpcMethods: ['Ping'] }),
    // Correlation only: logs go to stdout, not to an OTel logs pipeline.
    new PinoInstrumentation({ disableLogSending: true }),
    // One span per operation and one per SQL query (`prisma:client:operation`, `prisma:client:db_query`). The query
    // compiler's `serialize` and `compile` steps are microseconds of in-process work that each cost a span per query.
    new PrismaInstrumentation({ ignoreSpanTypes: [...PRISMA_STEPS_NOT_TRACED] }),
    // Event-loop delay, heap and GC, for the dashboard's runtime row.
    new RuntimeNodeInstrumentation(),
  ];
}
