import type { RpcEndpoint } from '@app/config';
import { ClientProviderOptions, CustomStrategy, ServerTCP, Transport } from '@nestjs/microservices';
import { TcpTraceDeserializer, TcpTraceSerializer, TracedServer, tcpCarrier } from '@app/tracing';

class TracedTcpServer extends TracedServer(ServerTCP, tcpCarrier) {}

/** The TCP server a service listens on, with trace context read from every packet. */
export function tcpServerStrategy(bind: RpcEndpoint): CustomStrategy {
  return {
    strategy: new TracedTcpServer({ host: bind.host, port: bind.port, deserializer: new TcpTraceDeserializer() }),
  };
}

/** Nest client options for a TCP peer, with trace headers lifted into every packet. */
export function tcpClientOptions(name: string | symbol, peer: RpcEndpoint): ClientProviderOptions {
  return {
    name,
    transport: Transport.TCP,
    options: { host: peer.host, port: peer.port, serializer: new TcpTraceSerializer() },
  };
}
