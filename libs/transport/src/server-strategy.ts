import type { AppConfig } from '@app/config';
import { ORDER_PATTERNS, USER_PATTERNS, protoPath, GRPC_LOADER_OPTIONS } from '@app/contracts';
import { CustomStrategy, ServerNats, ServerRMQ, ServerTCP } from '@nestjs/microservices';
import { TcpTraceDeserializer, TracedServer, grpcCarrier, natsCarrier, rmqCarrier, tcpCarrier } from '@app/tracing';
import { ContractGrpcServer } from './grpc-contract';
import { ServiceName } from './services';

/** Readiness pings are answered without a span: they are probes, not traffic. */
const untracedPatterns = new Set<string>([USER_PATTERNS.ping, ORDER_PATTERNS.ping]);

class TracedTcpServer extends TracedServer(ServerTCP, tcpCarrier, { untracedPatterns }) {}
class TracedNatsServer extends TracedServer(ServerNats, natsCarrier, { untracedPatterns }) {}
class TracedRmqServer extends TracedServer(ServerRMQ, rmqCarrier, { untracedPatterns }) {}
class TracedGrpcServer extends TracedServer(ContractGrpcServer, grpcCarrier, { untracedPatterns }) {}

/**
 * The server a service listens on, for the configured TRANSPORT. Every one of them runs each handler inside a
 * span that continues the caller's trace, so switching transports is configuration only.
 *
 * - tcp, grpc: one process per host and port.
 * - nats: a queue group per service, so replicas share requests and each event is handled once per service.
 * - rmq: one durable queue per service with competing consumers.
 */
export function rpcServerStrategy(config: AppConfig, service: ServiceName): CustomStrategy {
  const { bindHost } = config.rpc;
  const { port } = config[service].rpc;
  switch (config.transport.kind) {
    case 'tcp':
      return { strategy: new TracedTcpServer({ host: bindHost, port, deserializer: new TcpTraceDeserializer() }) };
    case 'nats':
      return { strategy: new TracedNatsServer({ servers: [config.transport.natsUrl], queue: service }) };
    case 'rmq':
      return {
        strategy: new TracedRmqServer({
          urls: [config.transport.rabbitmqUrl],
          queue: service,
          queueOptions: { durable: true },
          prefetchCount: 32,
        }),
      };
    case 'grpc':
      return {
        strategy: new TracedGrpcServer({
          package: service,
          protoPath: protoPath(service),
          url: `${bindHost}:${port}`,
          loader: GRPC_LOADER_OPTIONS,
        }),
      };
  }
}
