import { DynamicModule, Module, Provider } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { OrderEventsPublisher, OrdersClient, RpcClient, UsersClient } from '@app/contracts';
import { ClientGrpc, ClientProxy, ClientsModule } from '@nestjs/microservices';
import { carrierOf, peerAttributes, rpcClientOptions } from './client-options';
import { GrpcRpcProxy } from './grpc-contract';
import { ProxyRpcClient, RpcProxy } from './rpc-client';
import { ServiceName } from './services';

interface ClientSpec {
  token: string;
  Client: new (rpc: RpcClient) => unknown;
  /** The service that receives the messages. */
  service: ServiceName;
}

/** Every typed client an app can ask for, and which service its messages go to. */
const CLIENTS = {
  users: { token: 'USER_SERVICE', Client: UsersClient, service: 'user' },
  orders: { token: 'ORDER_SERVICE', Client: OrdersClient, service: 'order' },
  // Over NATS an event is published to its subject for anyone subscribed; over TCP, gRPC and RabbitMQ it goes
  // to the queue or address of its one consumer, the user service.
  orderEvents: { token: 'ORDER_EVENTS', Client: OrderEventsPublisher, service: 'user' },
} satisfies Record<string, ClientSpec>;

export type ClientName = keyof typeof CLIENTS;

/**
 * Registers a Nest client per requested name, for the configured TRANSPORT, and provides its typed client
 * (UsersClient, OrdersClient, OrderEventsPublisher) for injection. Every call is traced and bounded by RPC_TIMEOUT_MS.
 */
@Module({})
export class RpcClientsModule {
  static register(names: ClientName[]): DynamicModule {
    const specs: ClientSpec[] = names.map((name) => CLIENTS[name]);
    const nestClients = ClientsModule.registerAsync(
      specs.map(({ token, service }) => ({
        name: token,
        inject: [APP_CONFIG],
        useFactory: (config: AppConfig) => rpcClientOptions(token, config, service),
      })),
    );
    const typedClients: Provider[] = specs.map(({ token, Client, service }) => ({
      provide: Client,
      inject: [token, APP_CONFIG],
      useFactory: (client: ClientProxy | ClientGrpc, config: AppConfig) => {
        const proxy: RpcProxy =
          config.transport.kind === 'grpc' ? new GrpcRpcProxy(client as ClientGrpc) : (client as ClientProxy);
        const rpc = new ProxyRpcClient(proxy, {
          carrier: carrierOf(config),
          timeoutMs: config.rpc.timeoutMs,
          attributes: peerAttributes(config, service),
        });
        return new Client(rpc);
      },
    }));
    return {
      module: RpcClientsModule,
      // Global like the config: one connection per peer, whichever module injects the typed client.
      global: true,
      imports: [nestClients],
      providers: typedClients,
      exports: specs.map(({ Client }) => Client),
    };
  }
}
