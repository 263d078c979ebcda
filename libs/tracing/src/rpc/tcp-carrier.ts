import type { BaseRpcContext, ConsumerDeserializer, IncomingRequest, ProducerSerializer } from '@nestjs/microservices';
import type { TraceHeaders } from './trace-headers';
import type { TransportCarrier } from './transport-carrier';

/**
 * Nest's TCP packets (`{pattern, data, id}`) have no header slot, and no instrumentation covers Nest's TCP
 * transport, so we add one: the client serializer lifts the headers to a top-level `headers` field, and the
 * server deserializer hands them to the traced handler inside a TracedPayload. A plain Nest client or
 * server on the other end simply ignores or lacks the field.
 */
export class TracedPayload {
  constructor(
    readonly payload: unknown,
    readonly headers: unknown,
  ) {}
}

interface TcpPacket {
  pattern: unknown;
  data?: unknown;
  id?: string;
  headers?: unknown;
}

export class TcpTraceSerializer implements ProducerSerializer {
  serialize(packet: TcpPacket): TcpPacket {
    if (!(packet.data instanceof TracedPayload)) return packet;
    return { ...packet, data: packet.data.payload, headers: packet.data.headers };
  }
}

export class TcpTraceDeserializer implements ConsumerDeserializer {
  deserialize(value: unknown): IncomingRequest {
    if (typeof value !== 'object' || value === null) return value as IncomingRequest;
    const { headers, ...packet } = value as IncomingRequest & { headers?: unknown };
    return headers === undefined ? packet : { ...packet, data: new TracedPayload(packet.data, headers) };
  }
}

export const tcpCarrier: TransportCarrier = {
  messagingSystem: 'nestjs_tcp',
  attach: (payload: unknown, headers: TraceHeaders) => new TracedPayload(payload, headers),
  read: (data: unknown, _context: BaseRpcContext) =>
    data instanceof TracedPayload ? data : { payload: data, headers: undefined },
};
