// The edits `npm run new:service` makes to files that already exist, one pure function per file: the text before,
// the new service, the text after. Each fails with the file's name when the spot it edits is not where it expects,
// rather than writing something half right. The spec runs each against the repository's own files.
import type { ServiceNames } from './naming.ts';

export type ServicePorts = Record<'httpPort' | 'rpcPort' | 'embeddedDatabasePort', number>;

export interface NewService extends ServiceNames {
  ports: ServicePorts;
  /** The project's name and version (package.json): its images, Prometheus jobs and service.name carry them. */
  project: string;
  version: string;
}

/** The edit of one file (`file`, from the repository's root). */
export type Edit = ((source: string, service: NewService) => string) & { file: string };

/** Ports one above the highest each kind uses, so that no two services share one. */
export function nextPorts(services: Record<string, ServicePorts>): ServicePorts {
  const next = (key: keyof ServicePorts) => Math.max(...Object.values(services).map((ports) => ports[key])) + 1;
  return { httpPort: next('httpPort'), rpcPort: next('rpcPort'), embeddedDatabasePort: next('embeddedDatabasePort') };
}

/** libs/config/src/services.json: the registry every other list is derived from. */
export const addToServicesJson = edit('libs/config/src/services.json', (source, service) => {
  const services = JSON.parse(source) as Record<string, ServicePorts & { envPrefix: string }>;
  const entries = Object.entries({ ...services, [service.name]: { envPrefix: service.constant, ...service.ports } });
  const lines = entries.map(([name, ports]) => `  ${JSON.stringify(name)}: ${JSON.stringify(ports)}`);
  return `{\n${lines.join(',\n')}\n}\n`;
});

/** libs/contracts/src/index.ts: the contract's three files, in the file's sorted order. */
export const addToContractsIndex = edit('libs/contracts/src/index.ts', (source, { name }) => {
  const added = ['client', 'patterns', 'types'].map((kind) => `export * from './${name}/${name}.${kind}';`);
  const lines = [...source.trimEnd().split('\n'), ...added].sort();
  return `${lines.join('\n')}\n`;
});

/** proto-compat.ts: the generated types of its .proto join the checked ones, and its pattern's signature the others. */
export const addToProtoCompat = edit('libs/contracts/src/grpc/proto-compat.ts', (source, { name, pascal, snake }) => {
  const [request, view] = [`Create${pascal}ItemRequest`, `${pascal}ItemView`];
  const imports =
    `import type { ${request}, ${view} } from '../${name}/${name}.types';\n` +
    `import type { ProtoGrpcType as ${pascal}Proto } from './generated/${snake}';\n`;
  let result = insertAfterLast(source, /^import type .* from '\.\/generated\/\w+';$/gm, imports);
  result = append(result, /^type Proto = .*(?=;$)/m, ` & ${pascal}Proto`);
  const signature = `  '${name}.create': [${request}, ${view}];\n`;
  return insertBefore(result, /^\}$/m, signature, /^interface ContractSignatures \{$/m);
});

/** rpc-clients.module.ts: the typed client, so any app can `RpcClientsModule.register([...])` it. */
export const addToRpcClients = edit('libs/transport/src/rpc-clients.module.ts', (source, service) => {
  const client = `${service.pascal}Client`;
  // One line or, once Prettier has wrapped a long one, several: written as one line, which Prettier wraps again.
  const withImport = replaceOnce(source, /^import \{([^}]+)\} from '@app\/contracts';$/m, (_, names: string) => {
    const sorted = [...names.split(',').map((name) => name.trim()), client].filter(Boolean).sort();
    return `import { ${sorted.join(', ')} } from '@app/contracts';`;
  });
  const entry = `  ${service.camel}: { token: '${service.constant}_SERVICE', Client: ${client}, service: '${service.name}' },\n`;
  return insertBefore(withImport, /^\} satisfies Record<string, ClientSpec>;$/m, entry);
});

/** apps/gateway/src/app.module.ts: the gateway injects the typed client and serves the example pattern over HTTP. */
export const addToGatewayModule = edit('apps/gateway/src/app.module.ts', (source, { name, camel, pascal }) => {
  let result = append(source, /RpcClientsModule\.register\(\[[^\]]*(?=\]\))/, `, '${camel}'`);
  result = append(result, /^ {2}controllers: \[[^\]]*(?=\])/m, `, ${pascal}Controller`);
  const importLine = `import { ${pascal}Controller } from './${name}/${name}.controller';\n`;
  return insertAfterLast(result, /^import .*;$/gm, importLine);
});

/** nest-cli.json: the app's project, made like the last application's (its .proto assets too) and placed after it. */
export const addToNestCli = edit('nest-cli.json', (source, { name }) => {
  const config = JSON.parse(source) as { projects: Record<string, { type: string }> };
  const entries = Object.entries(config.projects);
  const lastApp = entries.findLastIndex(([, existing]) => existing.type === 'application');
  if (lastApp < 0) throw new Error('no application project to make the new one like');
  const [model, project] = entries[lastApp]!;
  const renamed = JSON.stringify(project).replace(new RegExp(`apps/${model}(?=[/"])`, 'g'), `apps/${name}`);
  entries.splice(lastApp + 1, 0, [name, JSON.parse(renamed) as typeof project]);
  return `${JSON.stringify({ ...config, projects: Object.fromEntries(entries) }, null, 2)}\n`;
});

/** package.json: build it, watch it, generate its gRPC types and check its migrations with the others. */
export const addToPackageJson = edit('package.json', (source, { name, snake }) => {
  const pkg = JSON.parse(source) as { scripts: Record<string, string> };
  const added: Record<string, (script: string) => string> = {
    build: (script) => `${script} && nest build ${name}`,
    'proto:generate': (script) => append(script, /\.proto(?= &&)/, ` ${snake}.proto`),
    'db:migration:check': (script) =>
      append(script, /(?="$)/, ` && node tools/db/migration-diff.mts ${name} --exit-code`),
  };
  const scripts = Object.entries(pkg.scripts).map(([key, script]) => [key, added[key]?.(script) ?? script] as const);
  const lastStartDev = scripts.findLastIndex(([key]) => key.startsWith('start:dev:'));
  if (lastStartDev < 0) throw new Error('no start:dev:<app> script to add one after');
  scripts.splice(lastStartDev + 1, 0, [`start:dev:${name}`, `exec node tools/node.cjs nest start ${name} --watch`]);
  return `${JSON.stringify({ ...pkg, scripts: Object.fromEntries(scripts) }, null, 2)}\n`;
});

/** docker-compose.yml: its host and database in the shared environment, its container, and the gateway waits for it. */
export const addToCompose = edit('docker-compose.yml', (source, { name, constant, snake, project, version }) => {
  let result = insertAfterLast(source, /^ {4}[A-Z0-9_]+_RPC_HOST: .*$/gm, `    ${constant}_RPC_HOST: ${name}\n`);
  const url = `postgresql://postgres:postgres@postgres:5432/${snake}`;
  result = insertAfterLast(result, /^ {4}[A-Z0-9_]+_DATABASE_URL: .*$/gm, `    ${constant}_DATABASE_URL: ${url}\n`);
  const container = block(
    `  ${name}:`,
    '    <<: *app',
    `    build: { context: ., dockerfile: docker/Dockerfile, target: runtime, args: { APP: ${name} } }`,
    `    image: ${project}/${name}:${version}`,
    '    depends_on: *service-deps',
    '',
  );
  result = insertBefore(result, /^ {2}gateway:$/m, container);
  // In the gateway's depends_on, with the other services: before nats.
  const dependency = `      ${name}: { condition: service_healthy }\n`;
  return insertBefore(result, /^ {6}nats: \{ condition: service_healthy \}$/m, dependency, /^ {2}gateway:$/m);
});

/** docker/postgres/init-databases.sql: its database, created on the first start like the others. */
export const addToInitDatabases = edit('docker/postgres/init-databases.sql', (source, { snake }) => {
  return `${source.trimEnd()}\nCREATE DATABASE ${snake};\n`;
});

/** docker/prometheus/prometheus.yml: a scrape job named after its service.name, on its HTTP port, next to the others. */
export const addToPrometheus = edit('docker/prometheus/prometheus.yml', (source, { name, ports, project }) => {
  const job = block(
    `  - job_name: ${project}-${name}`,
    '    metrics_path: /metrics',
    '    fallback_scrape_protocol: PrometheusText0.0.4',
    '    static_configs:',
    `      - targets: ['${name}:${ports.httpPort}']`,
    '',
  );
  // Before the collector's job, and the comment lines above it that belong to that job.
  return insertBefore(source, /^(?: {2}#.*\n)* {2}- job_name: otel-collector-spanmetrics$/m, job);
});

/** .env.example: its ports, its commented-out database URL and its embedded database's port, each with the others. */
export const addToEnvExample = edit('.env.example', (source, { name, constant, snake, ports }) => {
  const variables = block(
    `${constant}_HTTP_PORT=${ports.httpPort}`,
    `${constant}_RPC_HOST=127.0.0.1`,
    `${constant}_RPC_PORT=${ports.rpcPort}`,
  );
  let result = insertAfterLast(source, /^[A-Z0-9_]+_RPC_PORT=.*$/gm, variables);
  const url = `# ${constant}_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/${snake}\n`;
  result = insertAfterLast(result, /^# [A-Z0-9_]+_DATABASE_URL=.*$/gm, url);
  const embedded = `EMBEDDED_${constant}_DB_PORT=${ports.embeddedDatabasePort}\n`;
  result = insertAfterLast(result, /^EMBEDDED_[A-Z0-9_]+_DB_PORT=.*$/gm, embedded);
  return append(result, /^# OTEL_SERVICE_NAME overrides an app's default service.name \([^)]*(?=\))/m, `, -${name}`);
});

/** docker/Dockerfile: its Prisma schema before `npm ci`, whose postinstall generates every service's client. */
export const addToDockerfile = edit('docker/Dockerfile', (source, { name }) => {
  const copies = `COPY apps/${name}/prisma apps/${name}/prisma\nCOPY apps/${name}/prisma.config.ts apps/${name}/\n`;
  return insertAfterLast(source, /^COPY apps\/[^/]+\/prisma\.config\.ts .*$/gm, copies);
});

/** .github/workflows/ci.yml: its image is built with the others'. */
export const addToCiWorkflow = edit('.github/workflows/ci.yml', (source, { name }) => {
  return append(source, /^ +app: \[[^\]]*(?=\]$)/m, `, ${name}`);
});

/** An edit of `file` whose errors start with the file's name, so a user knows which file is not as expected. */
function edit(file: string, change: (source: string, service: NewService) => string): Edit {
  const named = (source: string, service: NewService) => {
    try {
      return change(source, service);
    } catch (error) {
      throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
    }
  };
  return Object.assign(named, { file });
}

/** Replaces the first match of `pattern` (the match, then its groups, to `replacer`), which must be there. */
function replaceOnce(source: string, pattern: RegExp, replacer: (...match: string[]) => string): string {
  if (!pattern.test(source)) throw new Error(`found no ${pattern} to edit`);
  return source.replace(pattern, replacer);
}

/** Appends `text` to the first match of `pattern`. */
function append(source: string, pattern: RegExp, text: string): string {
  return replaceOnce(source, pattern, (match) => `${match}${text}`);
}

/** Inserts `text` before the first match of `pattern`, or with `after`, the first one after the first match of that. */
function insertBefore(source: string, pattern: RegExp, text: string, after?: RegExp): string {
  const from = after ? source.search(after) : 0;
  const found = from < 0 ? -1 : source.slice(from).search(pattern);
  if (found < 0) throw new Error(`found no ${pattern} to insert before`);
  return `${source.slice(0, from + found)}${text}${source.slice(from + found)}`;
}

/** Inserts `text` on the line after the last match of `pattern` (which must have the `g` and `m` flags). */
function insertAfterLast(source: string, pattern: RegExp, text: string): string {
  const last = [...source.matchAll(pattern)].at(-1);
  if (!last) throw new Error(`found no ${pattern} to insert after`);
  const lineEnd = last.index + last[0].length + 1;
  return `${source.slice(0, lineEnd)}${text}${source.slice(lineEnd)}`;
}

/** Lines of text, each ending with a newline (an empty one is a blank line). */
function block(...lines: string[]): string {
  return lines.map((line) => `${line}\n`).join('');
}
