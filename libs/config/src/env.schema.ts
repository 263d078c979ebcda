import { z } from 'zod';
import { type EnvPrefix, GATEWAY, SERVICES, SERVICE_NAMES, type ServiceName, envPrefix } from './services';

/** The transports the apps can talk over (TRANSPORT). */
export const TRANSPORT_KINDS = ['tcp', 'nats', 'rmq', 'grpc'] as const;

const port = z.coerce.number().int().min(0).max(65535);
const positiveMs = z.coerce.number().int().positive();
const optionalUrl = z
  .string()
  .trim()
  .min(1)
  .optional()
  .refine((value) => value === undefined || URL.canParse(value), 'must be a valid URL');

/** A comma-separated list, trimmed, without empty entries; unset is an empty list. */
const commaSeparated = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
  );

/** An origin as browsers send it in `Origin`: scheme, host and port, nothing else (no path, no trailing slash). */
function isOrigin(value: string): boolean {
  return URL.canParse(value) && new URL(value).origin === value;
}

const rpcHost = z.string().min(1).default('127.0.0.1');
type PortWithDefault = ReturnType<typeof port.default>;

/** The variables of every service in services.json, named after it, with its default ports. */
type ServiceVariables = { [S in ServiceName as `${EnvPrefix<S>}_HTTP_PORT`]: PortWithDefault } & {
  [S in ServiceName as `${EnvPrefix<S>}_RPC_HOST`]: typeof rpcHost;
} & { [S in ServiceName as `${EnvPrefix<S>}_RPC_PORT`]: PortWithDefault } & {
  [S in ServiceName as `${EnvPrefix<S>}_DATABASE_URL`]: typeof optionalUrl;
};

function serviceVariables(): ServiceVariables {
  const entries = SERVICE_NAMES.flatMap((service) => {
    const prefix = envPrefix(service);
    return [
      [`${prefix}_HTTP_PORT`, port.default(SERVICES[service].httpPort)],
      [`${prefix}_RPC_HOST`, rpcHost],
      [`${prefix}_RPC_PORT`, port.default(SERVICES[service].rpcPort)],
      [`${prefix}_DATABASE_URL`, optionalUrl],
    ];
  });
  return Object.fromEntries(entries) as ServiceVariables;
}

/**
 * Every variable the apps read, in one place, with its default.
 * `.env.example` lists the same keys; a unit test keeps the two in sync.
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),

  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),

  GATEWAY_PORT: port.default(GATEWAY.httpPort),
  // Each service's <NAME>_HTTP_PORT, _RPC_HOST, _RPC_PORT and _DATABASE_URL: see serviceVariables above.
  ...serviceVariables(),
  /** Address the RPC servers bind to; 0.0.0.0 inside containers. */
  RPC_BIND_HOST: z.string().min(1).default('127.0.0.1'),

  /** How long a service waits for a database connection; past it the call fails fast as unavailable (503). */
  DATABASE_CONNECT_TIMEOUT_MS: positiveMs.default(2000),
  /** How long one query may wait for the database's answer, so a database that hangs cannot hold a pool slot. */
  DATABASE_QUERY_TIMEOUT_MS: positiveMs.default(5000),

  /** How the services talk: one setting for the whole system. */
  TRANSPORT: z.enum(TRANSPORT_KINDS).default('tcp'),
  NATS_URL: z.url().default('nats://127.0.0.1:4222'),
  RABBITMQ_URL: z.url().default('amqp://guest:guest@127.0.0.1:5672'),

  RPC_TIMEOUT_MS: positiveMs.default(3000),
  /** How often the order service's outbox relay looks for events whose publish failed; also the first backoff. */
  OUTBOX_RELAY_INTERVAL_MS: positiveMs.default(1000),
  /** The longest the relay waits between two attempts at one event (the backoff doubles up to this). */
  OUTBOX_RELAY_MAX_BACKOFF_MS: positiveMs.default(60000),
  /** How long a SIGTERM may take to finish in-flight work and flush spans before the process exits anyway. */
  SHUTDOWN_TIMEOUT_MS: positiveMs.default(10000),
  /**
   * Exposes the gateway's POST /test for the W3C trace-context test harness. It makes the gateway POST to any URL
   * it is given, so it stays off outside conformance runs.
   */
  TRACECONTEXT_TEST_ENDPOINT: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),

  /**
   * Comma-separated baggage keys a client may send through the gateway to the services. They become attributes of
   * each process's entry span (whatever library made it), so they should be `app.*` keys listed in libs/tracing/src/app-attributes.ts.
   */
  BAGGAGE_ALLOWLIST: commaSeparated,

  /** Requests one client (IP address) may send the gateway per window; 0 turns rate limiting off. */
  RATE_LIMIT_LIMIT: z.coerce.number().int().min(0).default(100),
  RATE_LIMIT_TTL_MS: positiveMs.default(60000),
  /** Comma-separated origins whose browser pages may call the gateway; empty = no CORS headers at all. */
  CORS_ORIGINS: commaSeparated.refine(
    (origins) => origins.every(isOrigin),
    'must be a comma-separated list of exact origins, such as https://app.example.com,http://localhost:5173',
  ),
});

export type Env = z.infer<typeof envSchema>;
