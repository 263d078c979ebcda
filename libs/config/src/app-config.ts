import { z } from 'zod';
import { envSchema } from './env.schema';

export type AppName = 'gateway' | 'user' | 'order';

export type TransportKind = 'tcp' | 'nats' | 'rmq' | 'grpc';

export interface RpcEndpoint {
  host: string;
  port: number;
}

/** Typed, grouped view of the environment. Built once, usable before Nest's DI exists. */
export interface AppConfig {
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
  user: { httpPort: number; rpc: RpcEndpoint };
  order: { httpPort: number; rpc: RpcEndpoint };
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

const DATABASE_URL_VARIABLE = { user: 'USER_DATABASE_URL', order: 'ORDER_DATABASE_URL' } as const;

/** Validates `env` for one app and returns its config; throws a message naming each bad variable. */
export function parseConfig(app: AppName, env: NodeJS.ProcessEnv): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigValidationError(parsed.error.issues.map(describeIssue));
  }
  const e = parsed.data;
  const databaseUrl = app === 'gateway' ? undefined : e[DATABASE_URL_VARIABLE[app]];
  if (app !== 'gateway' && !databaseUrl) {
    throw new ConfigValidationError([`${DATABASE_URL_VARIABLE[app]}: required by the ${app} service`]);
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
    user: { httpPort: e.USER_HTTP_PORT, rpc: { host: e.USER_RPC_HOST, port: e.USER_RPC_PORT } },
    order: { httpPort: e.ORDER_HTTP_PORT, rpc: { host: e.ORDER_RPC_HOST, port: e.ORDER_RPC_PORT } },
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

function describeIssue(issue: z.core.$ZodIssue): string {
  return `${issue.path.join('.') || '(root)'}: ${issue.message}`;
}

let cached: AppConfig | undefined;

/** The config of this process, validated on first use; fails fast at start-up. */
export function loadConfig(app: AppName): AppConfig {
  if (cached?.app !== app) cached = parseConfig(app, process.env);
  return cached;
}
