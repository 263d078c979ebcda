import services from './services.json';

/**
 * The services that serve messages, with their default ports, in one place: services.json, which
 * `npm run new:service` appends to. Each name is also the service's app folder, its NATS queue group and RabbitMQ
 * queue, and (upper-cased) the prefix of its variables: USER_HTTP_PORT, USER_RPC_HOST, USER_RPC_PORT, USER_DATABASE_URL.
 * JSON rather than TypeScript so the tools (ESM, run by Node directly) read the same file without a build.
 */
export const SERVICES = services;

export type ServiceName = keyof typeof SERVICES;

export const SERVICE_NAMES = Object.keys(SERVICES) as ServiceName[];

/** `stock-level` -> `STOCK_LEVEL`, as a type. */
export type EnvPrefix<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Uppercase<Head>}_${EnvPrefix<Tail>}`
  : Uppercase<S>;

/** The prefix of a service's variables: `stock-level` -> `STOCK_LEVEL`. */
export function envPrefix<S extends ServiceName>(service: S): EnvPrefix<S> {
  return service.toUpperCase().replaceAll('-', '_') as EnvPrefix<S>;
}
