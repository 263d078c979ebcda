import type { AppConfig, RpcEndpoint } from '@app/config';

/** The services that serve messages; each is also the name of its NATS queue group and RabbitMQ queue. */
export type ServiceName = 'user' | 'order';

export function rpcEndpointOf(config: AppConfig, service: ServiceName): RpcEndpoint {
  return config[service].rpc;
}
