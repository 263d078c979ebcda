import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AppConfig, ConfigValidationError, parseConfig } from './app-config';
import { envSchema } from './env.schema';
import { GATEWAY, SERVICES, SERVICE_NAMES, type ServiceName, envPrefix } from './services';

const USER_DB = 'postgresql://postgres@127.0.0.1:5432/users';
const ORDER_DB = 'postgresql://postgres@127.0.0.1:5432/orders';

/** The endpoints every service has by default (the ports of services.json), keyed by service. */
function defaultEndpoints(): Pick<AppConfig, ServiceName> {
  const endpoints = SERVICE_NAMES.map((service) => {
    const { httpPort, rpcPort } = SERVICES[service];
    return [service, { httpPort, rpc: { host: '127.0.0.1', port: rpcPort } }] as const;
  });
  return Object.fromEntries(endpoints) as Pick<AppConfig, ServiceName>;
}

/** The message parseConfig fails with, or a marker if it does not fail. */
function failure(...args: Parameters<typeof parseConfig>): string {
  try {
    parseConfig(...args);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as Error).message;
  }
  return '(parsed without error)';
}

describe(parseConfig.name, () => {
  it('fills in every default for the gateway', () => {
    const sut = parseConfig;

    const config = sut('gateway', {});

    expect(config).toEqual<AppConfig>({
      ...defaultEndpoints(),
      app: 'gateway',
      environment: 'development',
      log: { level: 'info', format: 'json' },
      gateway: { port: 3000, rateLimit: { limit: 100, ttlMs: 60000 }, corsOrigins: [] },
      rpc: { bindHost: '127.0.0.1', timeoutMs: 3000 },
      shutdown: { timeoutMs: 10000 },
      outbox: { relayIntervalMs: 1000, maxBackoffMs: 60000 },
      transport: { kind: 'tcp', natsUrl: 'nats://127.0.0.1:4222', rabbitmqUrl: 'amqp://guest:guest@127.0.0.1:5672' },
      baggageAllowlist: [],
      traceContextTestEndpoint: false,
      databaseUrl: undefined,
      database: { connectTimeoutMs: 2000, queryTimeoutMs: 5000 },
    });
  });

  it('gives each service of services.json its default ports', () => {
    const config = parseConfig('gateway', {});

    expect(config.user).toEqual({ httpPort: 3001, rpc: { host: '127.0.0.1', port: 4001 } });
    expect(config.order).toEqual({ httpPort: 3002, rpc: { host: '127.0.0.1', port: 4002 } });
    expect(SERVICE_NAMES.map((service) => config[service])).toEqual(
      SERVICE_NAMES.map((service) => ({
        httpPort: SERVICES[service].httpPort,
        rpc: { host: '127.0.0.1', port: SERVICES[service].rpcPort },
      })),
    );
  });

  it("reads a service's variables under its upper-cased name", () => {
    expect(envPrefix('user')).toBe('USER');
    // EnvPrefix<S>, the type the variables' names are checked with, spells each prefix this way.
    for (const service of SERVICE_NAMES) expect(envPrefix(service)).toBe(service.toUpperCase().replaceAll('-', '_'));
    expect(envSchema.shape).toHaveProperty(GATEWAY.httpPortVariable);
  });

  it('reads the transport and the broker URLs', () => {
    const config = parseConfig('gateway', {
      TRANSPORT: 'nats',
      NATS_URL: 'nats://broker:4222',
      RABBITMQ_URL: 'amqp://u:p@rabbit:5672',
    });

    expect(config.transport).toEqual({
      kind: 'nats',
      natsUrl: 'nats://broker:4222',
      rabbitmqUrl: 'amqp://u:p@rabbit:5672',
    });
    expect(() => parseConfig('gateway', { TRANSPORT: 'kafka' })).toThrow(/TRANSPORT/);
  });

  it('reads numbers and names from their variables', () => {
    const sut = parseConfig;

    const config = sut('gateway', {
      NODE_ENV: 'production',
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'pretty',
      GATEWAY_PORT: '8080',
      USER_RPC_HOST: 'user',
      USER_RPC_PORT: '5001',
      ORDER_HTTP_PORT: '0',
      RPC_BIND_HOST: '0.0.0.0',
      RPC_TIMEOUT_MS: '250',
      OUTBOX_RELAY_INTERVAL_MS: '200',
      OUTBOX_RELAY_MAX_BACKOFF_MS: '5000',
    });

    expect(config).toMatchObject({
      environment: 'production',
      log: { level: 'debug', format: 'pretty' },
      gateway: { port: 8080 },
      user: { rpc: { host: 'user', port: 5001 } },
      order: { httpPort: 0 },
      rpc: { bindHost: '0.0.0.0', timeoutMs: 250 },
      outbox: { relayIntervalMs: 200, maxBackoffMs: 5000 },
    });
  });

  it.each([
    ['GATEWAY_PORT', 'http'],
    ['USER_RPC_PORT', '65536'],
    ['ORDER_HTTP_PORT', '-1'],
    ['ORDER_RPC_PORT', '40.5'],
  ])('rejects %s=%s, naming the variable', (variable, value) => {
    expect(failure('gateway', { [variable]: value })).toMatch(new RegExp(`^\\s+- ${variable}: `, 'm'));
  });

  it.each([
    ['USER_DATABASE_URL', 'user'],
    ['ORDER_DATABASE_URL', 'order'],
  ] as const)('rejects a %s that is not a URL, naming the variable', (variable, app) => {
    const message = failure(app, { [variable]: 'not a url' });

    expect(message).toContain(`${variable}: must be a valid URL`);
  });

  it.each([
    ['RPC_TIMEOUT_MS', '0'],
    ['OUTBOX_RELAY_INTERVAL_MS', '0'],
    ['OUTBOX_RELAY_MAX_BACKOFF_MS', 'soon'],
    ['NODE_ENV', 'staging'],
    ['LOG_LEVEL', 'verbose'],
    ['LOG_FORMAT', 'xml'],
    ['RATE_LIMIT_LIMIT', '-1'],
    ['RATE_LIMIT_LIMIT', 'many'],
    ['RATE_LIMIT_TTL_MS', '0'],
    ['CORS_ORIGINS', '*'],
    ['CORS_ORIGINS', 'app.example.com'],
    ['CORS_ORIGINS', 'https://app.example.com/'],
    ['CORS_ORIGINS', 'https://app.example.com,https://app.example.com/login'],
  ])('rejects %s=%s, naming the variable', (variable, value) => {
    expect(failure('gateway', { [variable]: value })).toMatch(new RegExp(`^\\s+- ${variable}: `, 'm'));
  });

  it('names every bad variable at once', () => {
    const message = failure('gateway', { GATEWAY_PORT: 'x', RPC_TIMEOUT_MS: '-5' });

    expect(message).toMatch(/^Invalid environment:\n/);
    expect(message).toContain('GATEWAY_PORT: ');
    expect(message).toContain('RPC_TIMEOUT_MS: ');
  });

  it.each([
    ['user', 'USER_DATABASE_URL', { ORDER_DATABASE_URL: ORDER_DB }],
    ['order', 'ORDER_DATABASE_URL', { USER_DATABASE_URL: USER_DB }],
  ] as const)('fails for the %s service without %s, even given the other database', (app, variable, env) => {
    expect(failure(app, env)).toContain(`${variable}: required by the ${app} service`);
  });

  it.each([
    ['user', { USER_DATABASE_URL: USER_DB, ORDER_DATABASE_URL: ORDER_DB }, USER_DB],
    ['order', { USER_DATABASE_URL: USER_DB, ORDER_DATABASE_URL: ORDER_DB }, ORDER_DB],
  ] as const)('gives the %s service its own database', (app, env, expected) => {
    const sut = parseConfig;

    expect(sut(app, env).databaseUrl).toBe(expected);
  });

  it('gives the gateway no database, and needs none', () => {
    const sut = parseConfig;

    expect(sut('gateway', {}).databaseUrl).toBeUndefined();
    expect(sut('gateway', { USER_DATABASE_URL: USER_DB, ORDER_DATABASE_URL: ORDER_DB }).databaseUrl).toBeUndefined();
  });

  it.each([
    ['', []],
    ['app.tenant.id', ['app.tenant.id']],
    [' app.tenant.id , app.user.tier,,', ['app.tenant.id', 'app.user.tier']],
    [' , ', []],
  ])('parses BAGGAGE_ALLOWLIST=%j as a list of trimmed keys', (value, expected) => {
    const sut = parseConfig;

    expect(sut('gateway', { BAGGAGE_ALLOWLIST: value }).baggageAllowlist).toEqual(expected);
  });

  it('reads the rate limit, where 0 means off', () => {
    const sut = parseConfig;

    expect(sut('gateway', { RATE_LIMIT_LIMIT: '5', RATE_LIMIT_TTL_MS: '1000' }).gateway.rateLimit).toEqual({
      limit: 5,
      ttlMs: 1000,
    });
    expect(sut('gateway', { RATE_LIMIT_LIMIT: '0' }).gateway.rateLimit.limit).toBe(0);
  });

  it.each([
    ['', []],
    ['https://app.example.com', ['https://app.example.com']],
    [' https://app.example.com , http://localhost:5173,', ['https://app.example.com', 'http://localhost:5173']],
  ])('parses CORS_ORIGINS=%j as a list of origins', (value, expected) => {
    expect(parseConfig('gateway', { CORS_ORIGINS: value }).gateway.corsOrigins).toEqual(expected);
  });
});

describe('.env.example', () => {
  const example = readFileSync(join(__dirname, '..', '..', '..', '.env.example'), 'utf8');
  /** `KEY=value` and commented-out `# KEY=value` lines, as [key, value, commented]. */
  const entries = [...example.matchAll(/^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/gm)].map(
    ([, comment, key, value]) => [key, value, comment !== undefined] as const,
  );

  it.each(Object.keys(envSchema.shape))('lists %s', (key) => {
    expect(entries.map(([name]) => name)).toContain(key);
  });

  it('shows the defaults as its active values', () => {
    const active = Object.fromEntries(
      entries.filter(([, , commented]) => !commented).map(([key, value]) => [key, value]),
    );

    expect(envSchema.parse(active)).toEqual(envSchema.parse({}));
  });
});
