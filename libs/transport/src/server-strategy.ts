import type { AppConfig } from '@app/config';
import { ORDER_PATTERNS, USER_PATTERNS, grpcPackageOf, protoPath, GRPC_LOADER_OPTIONS } from '@app/contracts';
import type { Server as GrpcServer } from '@grpc/grpc-js';
import { CustomStrategy, ServerNats, ServerRMQ, ServerTCP, TcpSocket } from '@nestjs/microservices';
import { TcpTraceDeserializer, grpcCarrier, natsCarrier, rmqCarrier, tcpCarrier } from '@app/tracing';
import { GracefulServer } from './graceful-server';
import { ContractGrpcServer } from './grpc-contract';
import { ServiceName } from './services';

/** Readiness pings are answered without a span: they are probes, not traffic. */
const untracedPatterns = new Set<string>([USER_PATTERNS.ping, ORDER_PATTERNS.ping]);

class TracedTcpServer extends GracefulServer(ServerTCP, tcpCarrier, { untracedPatterns }) {
  /**
   * ServerTCP destroys its open sockets on close, dropping replies still in their write buffers: the caller then saw
   * "Connection closed", a 503 for work that had been committed. Ending them instead sends what is buffered first,
   * and waiting for the caller to close its side too keeps a destroy from resetting the connection: a socket closed
   * with a request still unread sends RST, and the caller's kernel drops the replies it had not read yet.
   */
  override async flushReplies(): Promise<void> {
    await Promise.all(
      [...this.openSockets].map(
        (socket) =>
          new Promise<void>((resolve) => {
            if (socket.destroyed) return resolve();
            socket.once('close', () => resolve());
            socket.end();
          }),
      ),
    );
  }

  /**
   * A request read after flushReplies ended its socket goes unanswered, and unrun: Node destroys a socket written
   * to after end(), the RST reaches the caller, and a caller whose next write then fails with EPIPE drops the replies
   * its kernel held but it had not read yet, committed orders' among them. The caller fails this request with
   * "Connection closed" (a 503) once the socket closes.
   */
  override async handleMessage(socket: TcpSocket, rawMessage: unknown): Promise<unknown> {
    if (socket.netSocket.writableEnded) return;
    return super.handleMessage(socket, rawMessage);
  }
}
class TracedRmqServer extends GracefulServer(ServerRMQ, rmqCarrier, { untracedPatterns }) {}

class TracedNatsServer extends GracefulServer(ServerNats, natsCarrier, { untracedPatterns }) {
  /**
   * Leave the queue group first, so the other replicas get the new requests (or the caller a fast "no responders").
   * Drain, not unsubscribe: messages the server sent before it saw the UNSUB are still handled, not dropped (a lost
   * request is a 504 for someone). ServerNats keeps its subscriptions private; its own gracefulShutdown unsubscribes
   * them, then waits a fixed grace period instead of for the handlers in flight.
   */
  override async stopReceiving(): Promise<void> {
    const { subscriptions = [] } = this.natsInternals();
    await Promise.all(subscriptions.map((subscription) => subscription.drain()));
  }

  /** A reply is only queued in the client when its handler ends; close() would drop what was not yet written. */
  override async flushReplies(): Promise<void> {
    await this.natsInternals().natsClient?.flush();
  }

  private natsInternals() {
    return this as unknown as {
      subscriptions?: { drain(): Promise<void> }[];
      natsClient?: { flush(): Promise<void> } | null;
    };
  }
}

class TracedGrpcServer extends GracefulServer(ContractGrpcServer, grpcCarrier, { untracedPatterns }) {
  /** gRPC's own graceful shutdown: new calls get UNAVAILABLE (the caller's 503), calls in flight finish. */
  override async stopReceiving(): Promise<void> {
    const server = this.grpcClient as GrpcServer | null;
    if (server) await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  }
}

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
          package: grpcPackageOf(service),
          protoPath: protoPath(service),
          url: `${bindHost}:${port}`,
          loader: GRPC_LOADER_OPTIONS,
        }),
      };
  }
}
