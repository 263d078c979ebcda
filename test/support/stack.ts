import { GATEWAY, SERVICES, type ServiceName, TRANSPORT_KINDS, type TransportKind } from '@app/config';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppProcess } from './app-process';
import { TestDatabase, createTestDatabase } from './databases';
import { freePort } from './ports';
import { TcpProxy } from './tcp-proxy';
import { waitUntil } from './wait';

const ROOT = join(__dirname, '..', '..');
export type AppName = 'gateway' | ServiceName;
export type { TransportKind };
export const TRANSPORTS: readonly TransportKind[] = TRANSPORT_KINDS;

export interface StackOptions {
  /** Where the apps export spans; without one, set OTEL_TRACES_EXPORTER=none in `env`. */
  otlpEndpoint?: string;
  transport?: TransportKind;
  /** Replicas per service (NATS and RabbitMQ only). */
  replicas?: Partial<Record<ServiceName, number>>;
  env?: NodeJS.ProcessEnv;
  /** Variables for one app only, over `env`: e.g. point the order service at a proxy in front of the user service. */
  appEnv?: Partial<Record<AppName, NodeJS.ProcessEnv>>;
  /** Connect the services to their databases through proxies the test can cut (see `databaseProxy`). */
  proxyDatabases?: boolean;
  /**
   * Run another repository's build, with the services of its services.json: a copy with a generated service
   * (test/new-service.e2e-spec.ts). By default this repository.
   */
  repository?: { root: string };
  /**
   * A directory with the built apps in its dist/, which they run in as their working directory: the runtime image's
   * files (test/infra/production-install.live-spec.ts). By default the repository's build.
   */
  runFrom?: string;
}

/** The services of a repository's registry, libs/config/src/services.json, with the prefix of their variables. */
function registryOf(root: string): Record<string, { envPrefix: string }> {
  return JSON.parse(readFileSync(join(root, 'libs', 'config', 'src', 'services.json'), 'utf8')) as Record<
    string,
    { envPrefix: string }
  >;
}

/** The built entry point of an app (`npm run build` makes it). */
export function appEntry(app: string, root = ROOT): string {
  const entry = join(root, 'dist', 'apps', app, 'apps', app, 'src', 'main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  return entry;
}

/** One running process of an app; `instance` is `order` for the first replica, `order#2` for the second. */
export interface AppInstance {
  app: string;
  instance: string;
  process: AppProcess;
  httpUrl: string;
  /** The environment it was started with. */
  env: NodeJS.ProcessEnv;
}

/**
 * The whole system as real processes: a migrated database per service, the services (with replicas if
 * asked) and the gateway, on free ports and the chosen transport, exporting spans to the test's OTLP receiver
 * and logging JSON to stdout.
 */
export class Stack {
  readonly instances = new Map<string, AppInstance>();
  private readonly databases: TestDatabase[] = [];
  private readonly proxies = new Map<string, TcpProxy>();
  private readonly root: string;
  private readonly registry: Record<string, { envPrefix: string }>;
  private readonly services: readonly string[];
  env: NodeJS.ProcessEnv = {};

  constructor(private readonly options: StackOptions) {
    this.root = options.repository?.root ?? ROOT;
    this.registry = options.repository ? registryOf(options.repository.root) : SERVICES;
    this.services = Object.keys(this.registry);
  }

  private envPrefix(service: string): string {
    const entry = this.registry[service];
    if (!entry) throw new Error(`${service} is not a service of ${this.root}/libs/config/src/services.json`);
    return entry.envPrefix;
  }

  private httpPortVariable(app: string): string {
    return app === 'gateway' ? GATEWAY.httpPortVariable : `${this.envPrefix(app)}_HTTP_PORT`;
  }

  get gatewayUrl(): string {
    return this.instance('gateway').httpUrl;
  }

  instance(name: string): AppInstance {
    const instance = this.instances.get(name);
    if (!instance) throw new Error(`${name} is not running`);
    return instance;
  }

  app(name: string): AppProcess {
    return this.instance(name).process;
  }

  httpUrl(name: string): string {
    return this.instance(name).httpUrl;
  }

  /** The proxy between a service and its database (with `proxyDatabases`). */
  databaseProxy(service: ServiceName): TcpProxy {
    const proxy = this.proxies.get(service);
    if (!proxy) throw new Error(`${service}'s database is not proxied: start the stack with proxyDatabases`);
    return proxy;
  }

  /** Every running process of an app (its replicas). */
  replicas(app: string): AppInstance[] {
    return [...this.instances.values()].filter((instance) => instance.app === app);
  }

  /** Starts everything; on failure stops what did start, so no process outlives the test. */
  async start(): Promise<this> {
    try {
      await this.startAll();
      return this;
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  private async startAll(): Promise<void> {
    // Every database that did start is kept for stop(), even when another failed to.
    const settled = await Promise.allSettled(this.services.map((service) => createTestDatabase(service, this.root)));
    for (const result of settled) if (result.status === 'fulfilled') this.databases.push(result.value);
    const failed = settled.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    const databases = this.databases;
    const serviceEnv: NodeJS.ProcessEnv = {};
    for (const [i, service] of this.services.entries()) {
      serviceEnv[`${this.envPrefix(service)}_RPC_PORT`] = String(await freePort());
      serviceEnv[`${this.envPrefix(service)}_DATABASE_URL`] = await this.databaseUrl(service, databases[i].url);
    }
    this.env = {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
      TRANSPORT: this.options.transport ?? 'tcp',
      ...serviceEnv,
      OTEL_EXPORTER_OTLP_ENDPOINT: this.options.otlpEndpoint,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      // Suites send hundreds of requests from one address; a suite about the rate limit sets its own.
      RATE_LIMIT_LIMIT: '0',
      ...this.options.env,
    };
    // The services start side by side; the replicas of one service one after another, so each gets its own name.
    await Promise.all(
      this.services.map(async (app) => {
        const replicas = this.options.replicas?.[app as ServiceName] ?? 1;
        for (let replica = 0; replica < replicas; replica++) await this.startApp(app);
      }),
    );
    await this.startApp('gateway');
  }

  /** Starts one more process of `app` and waits until it is ready. */
  async startApp(app: string): Promise<AppInstance> {
    const count = this.replicas(app).length;
    return this.launch(app, count === 0 ? app : `${app}#${count + 1}`, await freePort());
  }

  /** Starts a stopped instance again, on the same ports. */
  async restart(name: string): Promise<void> {
    const { app, httpUrl } = this.instance(name);
    await this.launch(app, name, Number(new URL(httpUrl).port));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.instances.values()].map(({ process }) => process.stop()));
    for (const proxy of this.proxies.values()) proxy.cut();
    await Promise.all(this.databases.map((database) => database.drop()));
  }

  private async launch(app: string, instance: string, httpPort: number): Promise<AppInstance> {
    const { runFrom } = this.options;
    const env = { ...this.appEnvironment(app), [this.httpPortVariable(app)]: String(httpPort) };
    const child = new AppProcess(instance, process.execPath, [appEntry(app, runFrom ?? this.root)], env, {
      cwd: runFrom,
    });
    const launched = { app, instance, process: child, httpUrl: `http://127.0.0.1:${httpPort}`, env };
    this.instances.set(instance, launched);
    await this.waitReady(launched);
    return launched;
  }

  private appEnvironment(app: string): NodeJS.ProcessEnv {
    return { ...this.env, ...this.options.appEnv?.[app as AppName] };
  }

  /** `url`, or with proxyDatabases the same database through a proxy the test can cut. */
  private async databaseUrl(service: string, url: string): Promise<string> {
    if (!this.options.proxyDatabases) return url;
    const proxied = new URL(url);
    const proxy = new TcpProxy({ host: proxied.hostname, port: Number(proxied.port) });
    await proxy.start();
    this.proxies.set(service, proxy);
    proxied.hostname = proxy.address.host;
    proxied.port = String(proxy.address.port);
    return proxied.toString();
  }

  private async waitReady({ instance, process, httpUrl }: AppInstance): Promise<void> {
    await waitUntil(async () => (await fetch(`${httpUrl}/health/ready`)).ok || !process.running, {
      timeoutMs: 30_000,
      description: () => `${instance} never became ready:\n${process.tail()}`,
    });
    if (!process.running) throw new Error(`${instance} exited during start-up:\n${process.tail()}`);
  }
}
