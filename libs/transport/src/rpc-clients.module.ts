import { DynamicModule, Module, Provider } from '@nestjs/common';
import { APP_CONFIG, AppConfig, RpcEndpoint } from '@app/config';
import { OrderEventsPublisher, OrdersClient, RpcClient, UsersClient } from '@app/contracts';
import { ClientProxy, ClientsModule } from '@nestjs/microservices';
import { TracedRpcClient, tcpCarrier } from '@app/tracing';
import { tcpClientOptions } from './tcp.transport';

interface ClientSpec {
  token: string;
  Client: new (rpc: RpcClient) => unknown;
  endpoint: (config: AppConfig) => RpcEndpoint;
}

/** Every typed client an app can ask for, and where its messages go. */
const CLIENTS = {
  users: { token: 'USER_SERVICE', Client: UsersClient, endpoint: (config) => config.user.rpc },
  orders: { token: 'ORDER_SERVICE', Client: OrdersClient, endpoint: (config) => config.order.rpc },
  // TCP has no broker, so order events go straight to their one consumer, the user service.
  orderEvents: { token: 'ORDER_EVENTS', Client: OrderEventsPublisher, endpoint: (config) => config.user.rpc },
} satisfies Record<string, ClientSpec>;

export type ClientName = keyof typeof CLIENTS;

/**
 * Registers a Nest client per requested name and provides its typed client (UsersClient, OrdersClient,
 * OrderEventsPublisher) for injection. Every call is traced and bounded by RPC_TIMEOUT_MS.
 */
@Module({})
export class RpcClientsModule {
  static register(names: ClientName[]): DynamicModule {
    const specs: ClientSpec[] = names.map((name) => CLIENTS[name]);
    const nestClients = ClientsModule.registerAsync(
      specs.map(({ token, endpoint }) => ({
        name: token,
        inject: [APP_CONFIG],
        useFactory: (config: AppConfig) => tcpClientOptions(token, endpoint(config)),
      })),
    );
    const typedClients: Provider[] = specs.map(({ token, Client, endpoint }) => ({
      provide: Client,
      inject: [token, APP_CONFIG],
      useFactory: (proxy: ClientProxy, config: AppConfig) => {
        const peer = endpoint(config);
        const rpc = new TracedRpcClient(proxy, {
          carrier: tcpCarrier,
          timeoutMs: config.rpc.timeoutMs,
          attributes: { 'server.address': peer.host, 'server.port': peer.port },
        });
        return new Client(rpc);
      },
    }));
    return {
      module: RpcClientsModule,
      imports: [nestClients],
      providers: typedClients,
      exports: specs.map(({ Client }) => Client),
    };
  }
}
