import gateway from './gateway.json';
import services from './services.json';

/**
 * The services that serve messages, with their variables' prefix and default ports, in one place: services.json,
 * which `npm run new:service` appends to. Each name is also the service's app folder, its NATS queue group and
 * RabbitMQ queue. Its prefix names its variables: USER_HTTP_PORT, USER_RPC_HOST, USER_RPC_PORT, USER_DATABASE_URL.
 * JSON rather than TypeScript so the tools (ESM, run by Node directly), the e2e Stack and the image's healthcheck
 * (docker/healthcheck.cjs) read the same file without a build; gateway.json holds the gateway's HTTP port likewise.
 */
export const SERVICES = services;

export const GATEWAY = gateway;

export type ServiceName = keyof typeof SERVICES;

export const SERVICE_NAMES = Object.keys(SERVICES) as ServiceName[];

/**
 * `stock-level` -> `STOCK_LEVEL`, as a type: the literal type of a prefix in services.json, which JSON cannot carry.
 * app-config.spec.ts checks that every prefix there is spelt this way.
 */
export type EnvPrefix<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Uppercase<Head>}_${EnvPrefix<Tail>}`
  : Uppercase<S>;

/** The prefix of a service's variables, from services.json: `stock-level` -> `STOCK_LEVEL`. */
export function envPrefix<S extends ServiceName>(service: S): EnvPrefix<S> {
  return SERVICES[service].envPrefix as EnvPrefix<S>;
}
