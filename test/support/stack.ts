import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppProcess } from './app-process';
import { TestDatabase, createTestDatabase } from './databases';
import { freePort } from './ports';
import { waitUntil } from './wait';

const ROOT = join(__dirname, '..', '..');
export type AppName = 'gateway' | 'user' | 'order';

export interface StackOptions {
  otlpEndpoint: string;
  env?: NodeJS.ProcessEnv;
}

/** The built entry point of an app (`npm run build` makes it). */
export function appEntry(app: AppName): string {
  const entry = join(ROOT, 'dist', 'apps', app, 'apps', app, 'src', 'main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  return entry;
}

/**
 * The whole system as real processes: two migrated databases, the user and order services and the gateway,
 * on free ports, exporting spans to the test's OTLP receiver and logging JSON to stdout.
 */
export class Stack {
  readonly apps = new Map<AppName, AppProcess>();
  private readonly databases: TestDatabase[] = [];
  env: NodeJS.ProcessEnv = {};

  constructor(private readonly options: StackOptions) {}

  get gatewayUrl(): string {
    return `http://127.0.0.1:${this.env.GATEWAY_PORT}`;
  }

  app(name: AppName): AppProcess {
    const app = this.apps.get(name);
    if (!app) throw new Error(`${name} is not running`);
    return app;
  }

  async start(): Promise<this> {
    const [user, order] = await Promise.all([createTestDatabase('user'), createTestDatabase('order')]);
    this.databases.push(user, order);
    this.env = {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
      GATEWAY_PORT: String(await freePort()),
      USER_HTTP_PORT: String(await freePort()),
      USER_RPC_PORT: String(await freePort()),
      ORDER_HTTP_PORT: String(await freePort()),
      ORDER_RPC_PORT: String(await freePort()),
      USER_DATABASE_URL: user.url,
      ORDER_DATABASE_URL: order.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: this.options.otlpEndpoint,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      ...this.options.env,
    };
    await Promise.all((['user', 'order'] as const).map((app) => this.startApp(app)));
    await this.startApp('gateway');
    return this;
  }

  async startApp(name: AppName): Promise<AppProcess> {
    const app = new AppProcess(name, process.execPath, [appEntry(name)], this.env);
    this.apps.set(name, app);
    await waitUntil(async () => (await fetch(`${this.httpUrl(name)}/health/ready`)).ok || !app.running, {
      timeoutMs: 30_000,
      description: () => `${name} never became ready:\n${app.tail()}`,
    });
    if (!app.running) throw new Error(`${name} exited during start-up:\n${app.tail()}`);
    return app;
  }

  httpUrl(name: AppName): string {
    const port = { gateway: this.env.GATEWAY_PORT, user: this.env.USER_HTTP_PORT, order: this.env.ORDER_HTTP_PORT }[
      name
    ];
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.apps.values()].map((app) => app.stop()));
    await Promise.all(this.databases.map((database) => database.drop()));
  }
}
