import type { AppConfig } from '@app/config';
import { GRPC_LOADER_OPTIONS, grpcPackageOf, protoPath } from '@app/contracts';
import { ClientProviderOptions, Transport } from '@nestjs/microservices';
import { TcpTraceSerializer, TransportCarrier, grpcCarrier, natsCarrier, rmqCarrier, tcpCarrier } from '@app/tracing';
import { ServiceName } from './services';

/** Nest client options for talking to `service` over the configured TRANSPORT. */
export function rpcClientOptions(name: string, config: AppConfig, service: ServiceName): ClientProviderOptions {
  const { host, port } = config[service].rpc;
  switch (config.transport.kind) {
    case 'tcp':
      return { name, transport: Transport.TCP, options: { host, port, serializer: new TcpTraceSerializer() } };
    case 'nats':
      return { name, transport: Transport.NATS, options: { servers: [config.transport.natsUrl] } };
    case 'rmq':
      return {
        name,
        transport: Transport.RMQ,
        options: { urls: [config.transport.rabbitmqUrl], queue: service, queueOptions: { durable: true } },
      };
    case 'grpc':
      return {
        name,
        transport: Transport.GRPC,
        options: {
          package: grpcPackageOf(service),
          protoPath: protoPath(service),
          url: `${host}:${port}`,
          loader: GRPC_LOADER_OPTIONS,
        },
      };
  }
}

export function carrierOf(config: AppConfig): TransportCarrier {
  const carriers = { tcp: tcpCarrier, nats: natsCarrier, rmq: rmqCarrier, grpc: grpcCarrier };
  return carriers[config.transport.kind];
}

/** Span attributes naming the peer: the service for point-to-point transports, the broker otherwise. */
export function peerAttributes(config: AppConfig, service: ServiceName): Record<string, string | number> {
  const kind = config.transport.kind;
  if (kind === 'tcp' || kind === 'grpc') {
    return { 'server.address': config[service].rpc.host, 'server.port': config[service].rpc.port };
  }
  const broker = new URL(kind === 'nats' ? config.transport.natsUrl : config.transport.rabbitmqUrl);
  return { 'server.address': broker.hostname, 'server.port': Number(broker.port) };
}
