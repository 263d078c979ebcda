import { NatsContext, NatsRecordBuilder, RmqContext, RmqRecordBuilder } from '@nestjs/microservices';
import { headers as natsHeaders } from 'nats';
import type { TraceHeaders } from './trace-headers';
import type { TransportCarrier } from './transport-carrier';

/**
 * NATS has message headers, and Nest exposes them (NatsRecord, NatsContext), but nothing puts trace context
 * there or reads it back: no instrumentation covers NATS. We do, through Nest's public record and context.
 */
export const natsCarrier: TransportCarrier = {
  messagingSystem: 'nats',
  attach: (payload, headers: TraceHeaders) => {
    const carried = natsHeaders();
    for (const [key, value] of Object.entries(headers)) carried.set(key, value);
    return new NatsRecordBuilder(payload).setHeaders(carried).build();
  },
  read: (data, context) => ({ payload: data, headers: natsHeaderRecord(context as NatsContext) }),
};

function natsHeaderRecord(context: NatsContext): Record<string, string> | undefined {
  const carried = context.getHeaders?.() as { keys(): string[]; get(key: string): string } | undefined;
  if (!carried) return undefined;
  return Object.fromEntries(carried.keys().map((key) => [key, carried.get(key)]));
}

/**
 * RabbitMQ messages have headers in their properties; Nest sets them from RmqRecord options and hands the raw
 * message to the handler's RmqContext.
 */
export const rmqCarrier: TransportCarrier = {
  messagingSystem: 'rabbitmq',
  attach: (payload, headers: TraceHeaders) => new RmqRecordBuilder(payload).setOptions({ headers }).build(),
  read: (data, context) => {
    const message = (context as RmqContext).getMessage?.() as { properties?: { headers?: unknown } } | undefined;
    return { payload: data, headers: message?.properties?.headers };
  },
};
