import { context } from '@opentelemetry/api';
import type { TransportCarrier } from './transport-carrier';

/**
 * gRPC is covered by @opentelemetry/instrumentation-grpc, which puts the context in the call's metadata and makes
 * its own SERVER span active around the handler; the carrier only continues from there.
 */
export const grpcCarrier: TransportCarrier = {
  messagingSystem: 'grpc',
  attach: (payload) => payload,
  read: (data) => ({ payload: data, context: context.active() }),
};
