import type { IncomingMessage } from 'node:http';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import { PrismaInstrumentation } from '@prisma/instrumentation';

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
    // Kept for the route it puts on the HTTP span (`http.route`). Its layer spans (middleware, routers, Nest's
    // request handlers) would add several spans per request that say nothing Nest's own spans don't.
    new ExpressInstrumentation({
      ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER, ExpressLayerType.REQUEST_HANDLER],
    }),
    new NestInstrumentation(),
    // Only active with TRANSPORT=grpc. Health pings are probes, not traffic.
    new GrpcInstrumentation({ ignoreGrpcMethods: ['Ping'] }),
    // Correlation only: logs go to stdout, not to an OTel logs pipeline.
    new PinoInstrumentation({ disableLogSending: true }),
    new PrismaInstrumentation(),
    // Event-loop delay, heap and GC, for the dashboard's runtime row.
    new RuntimeNodeInstrumentation(),
  ];
}
