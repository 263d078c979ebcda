import { z } from 'zod';
import { type Env, TRANSPORT_KINDS, envSchema } from './env.schema';
import { SERVICE_NAMES, type ServiceName, envPrefix } from './services';

export type AppName = 'gateway' | ServiceName;

export type TransportKind = (typeof TRANSPORT_KINDS)[number];

export interface RpcEndpoint {
  host: string;
  port: number;
}

/** Where a service serves health and metrics (HTTP), and where its RPC server listens (TCP, gRPC). */
export interface ServiceEndpoints {
  httpPort: number;
  rpc: RpcEndpoint;
}

/** Typed, grouped view of the environment. Built once, usable before Nest's DI exists. */
export type AppConfig = GeneralConfig & { [S in ServiceName]: ServiceEndpoints };

interface GeneralConfig {
  app: AppName;
  environment: 'development' | 'production' | 'test';
  log: { level: string; format: 'json' | 'pretty' };
  gateway: {
    port: number;
    /** Requests per client per window; `limit` 0 means no rate limiting. */
    rateLimit: { limit: number; ttlMs: number };
    /** Origins allowed by CORS; empty means CORS is off. */
    corsOrigins: readonly string[];
  };
  rpc: { bindHost: string; timeoutMs: number };
  shutdown: { timeoutMs: number };
  /** The order service's outbox relay: its polling interval and the cap of its retry backoff. */
  outbox: { relayIntervalMs: number; maxBackoffMs: number };
  /** TCP and gRPC use the services' RPC host and port; NATS and RabbitMQ use the broker. */
  transport: { kind: TransportKind; natsUrl: string; rabbitmqUrl: string };
  baggageAllowlist: readonly string[];
  /** The W3C trace-context harness endpoint (POST /test); off by default. */
  traceContextTestEndpoint: boolean;
  /** The database of the app being configured; undefined for the gateway. */
  databaseUrl?: string;
  database: { connectTimeoutMs: number; queryTimeoutMs: number };
}

export class ConfigValidationError extends Error {
  constructor(issues: readonly string[]) {
    super(`Invalid environment:\n  - ${issues.join('\n  - ')}`);
    this.name = 'ConfigValidationError';
  }
}

/** Validates `env` for one app and returns its config; throws a message naming each bad variable. */
export function parseConfig(app: AppName, env: NodeJS.ProcessEnv): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigValidationError(parsed.error.issues.map(describeIssue));
  }
  const e = parsed.data;
  const databaseUrl = app === 'gateway' ? undefined : e[`${envPrefix(app)}_DATABASE_URL`];
  if (app !== 'gateway' && !databaseUrl) {
    throw new ConfigValidationError([`${envPrefix(app)}_DATABASE_URL: required by the ${app} service`]);
  }
  return {
    app,
    environment: e.NODE_ENV,
    log: { level: e.LOG_LEVEL, format: e.LOG_FORMAT },
    gateway: {
      port: e.GATEWAY_PORT,
      rateLimit: { limit: e.RATE_LIMIT_LIMIT, ttlMs: e.RATE_LIMIT_TTL_MS },
      corsOrigins: e.CORS_ORIGINS,
    },
    ...endpointsOfServices(e),
    rpc: { bindHost: e.RPC_BIND_HOST, timeoutMs: e.RPC_TIMEOUT_MS },
    shutdown: { timeoutMs: e.SHUTDOWN_TIMEOUT_MS },
    outbox: { relayIntervalMs: e.OUTBOX_RELAY_INTERVAL_MS, maxBackoffMs: e.OUTBOX_RELAY_MAX_BACKOFF_MS },
    transport: { kind: e.TRANSPORT, natsUrl: e.NATS_URL, rabbitmqUrl: e.RABBITMQ_URL },
    baggageAllowlist: e.BAGGAGE_ALLOWLIST,
    traceContextTestEndpoint: e.TRACECONTEXT_TEST_ENDPOINT,
    databaseUrl,
    database: { connectTimeoutMs: e.DATABASE_CONNECT_TIMEOUT_MS, queryTimeoutMs: e.DATABASE_QUERY_TIMEOUT_MS },
  };
}

/** `{ user: { httpPort, rpc }, order: ... }`, for every service in services.json. */
function endpointsOfServices(e: Env): { [S in ServiceName]: ServiceEndpoints } {
  const endpoints = SERVICE_NAMES.map((service) => {
    const prefix = envPrefix(service);
    const rpc = { host: e[`${prefix}_RPC_HOST`], port: e[`${prefix}_RPC_PORT`] };
    return [service, { httpPort: e[`${prefix}_HTTP_PORT`], rpc }] as const;
  });
  return Object.fromEntries(endpoints) as { [S in ServiceName]: ServiceEndpoints };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  return `${issue.path.join('.') || '(root)'}: ${issue.message}`;
}

let cached: AppConfig | undefined;

/** The config of this process, validated on first use; fails fast at start-up. */
export function loadConfig(app: AppName): AppConfig {
  if (cached?.app !== app) cached = parseConfig(app, process.env);
  return cached;
}
