// The edits `npm run new:service` makes to files that already exist, one pure function per file: the text before,
// the new service, the text after. Each fails with the file's name when the spot it edits is not where it expects,
// rather than writing something half right. The spec next to this file runs each against the repository's own files.
import type { ServiceNames } from './naming.ts';

export interface ServicePorts {
  httpPort: number;
  rpcPort: number;
  embeddedDatabasePort: number;
}

export interface NewService extends ServiceNames {
  ports: ServicePorts;
  /** The project's name and version (package.json): its images, Prometheus jobs and service.name carry them. */
  project: string;
  version: string;
}

/** Ports one above the highest each kind uses, so that no two services share one. */
export function nextPorts(services: Record<string, ServicePorts>): ServicePorts {
  const next = (key: keyof ServicePorts) => Math.max(...Object.values(services).map((ports) => ports[key])) + 1;
  return { httpPort: next('httpPort'), rpcPort: next('rpcPort'), embeddedDatabasePort: next('embeddedDatabasePort') };
}

/** libs/config/src/services.json: the registry every other list is derived from. */
export function addToServicesJson(source: string, service: NewService): string {
  const services = JSON.parse(source) as Record<string, ServicePorts & { envPrefix: string }>;
  const entries = Object.entries({ ...services, [service.name]: { envPrefix: service.constant, ...service.ports } });
  const lines = entries.map(([name, ports]) => `  ${JSON.stringify(name)}: ${JSON.stringify(ports)}`);
  return `{\n${lines.join(',\n')}\n}\n`;
}

/** libs/contracts/src/index.ts: the contract's three files, in the file's sorted order. */
export function addToContractsIndex(source: string, { name }: NewService): string {
  const added = ['client', 'patterns', 'types'].map((kind) => `export * from './${name}/${name}.${kind}';`);
  const lines = [...source.trimEnd().split('\n'), ...added].sort();
  return `${lines.join('\n')}\n`;
}

/** libs/transport/src/rpc-clients.module.ts: the typed client, so any app can `RpcClientsModule.register([...])` it. */
export function addToRpcClients(source: string, service: NewService): string {
  const client = `${service.pascal}Client`;
  const withImport = replaceOnce(
    source,
    'rpc-clients.module.ts',
    /^import \{ ([^}]+) \} from '@app\/contracts';$/m,
    (_, names: string) => {
      const sorted = [...names.split(', '), client].sort();
      return `import { ${sorted.join(', ')} } from '@app/contracts';`;
    },
  );
  const entry = `  ${service.camel}: { token: '${service.constant}_SERVICE', Client: ${client}, service: '${service.name}' },\n`;
  return insertBefore(withImport, 'rpc-clients.module.ts', /^\} satisfies Record<string, ClientSpec>;$/m, entry);
}

/** apps/gateway/src/app.module.ts: the gateway injects the typed client and serves the example pattern over HTTP. */
export function addToGatewayModule(source: string, service: NewService): string {
  const file = 'apps/gateway/src/app.module.ts';
  const controller = `${service.pascal}Controller`;
  let result = replaceOnce(source, file, /RpcClientsModule\.register\(\[([^\]]*)\]\)/, (_, names: string) => {
    return `RpcClientsModule.register([${names}, '${service.camel}'])`;
  });
  result = replaceOnce(result, file, /^( {2}controllers: \[)([^\]]*)\]/m, (_, start: string, names: string) => {
    return `${start}${names}, ${controller}]`;
  });
  const importLine = `import { ${controller} } from './${service.name}/${service.name}.controller';\n`;
  return insertAfterLast(result, file, /^import .*;$/gm, importLine);
}

/** nest-cli.json: the app's project, after the other applications; its assets carry the .proto files as theirs do. */
export function addToNestCli(source: string, { name }: NewService): string {
  const config = JSON.parse(source) as { projects: Record<string, { type: string }> };
  const project = {
    type: 'application',
    root: `apps/${name}`,
    entryFile: 'main',
    sourceRoot: `apps/${name}/src`,
    compilerOptions: {
      tsConfigPath: `apps/${name}/tsconfig.app.json`,
      assets: [{ include: '../../../libs/contracts/src/grpc/*.proto', outDir: `dist/apps/${name}/libs/contracts/src` }],
    },
  };
  const entries = Object.entries(config.projects);
  const lastApp = entries.findLastIndex(([, existing]) => existing.type === 'application');
  entries.splice(lastApp + 1, 0, [name, project]);
  return `${JSON.stringify({ ...config, projects: Object.fromEntries(entries) }, null, 2)}\n`;
}

/** package.json: build it, watch it, and check its migrations with the others. */
export function addToPackageJson(source: string, { name, snake }: NewService): string {
  const pkg = JSON.parse(source) as { scripts: Record<string, string> };
  const scripts = Object.entries(pkg.scripts).map(([key, value]): [string, string] => {
    if (key === 'build') return [key, `${value} && nest build ${name}`];
    if (key === 'proto:generate') {
      const withProto = value.replace(/\.proto(?= &&)/, `.proto ${snake}.proto`);
      if (withProto === value) throw new Error('package.json: proto:generate lists no .proto files before "&&"');
      return [key, withProto];
    }
    if (key === 'db:migration:check') {
      if (!value.endsWith('"')) throw new Error('package.json: db:migration:check does not end in a quoted command');
      return [key, `${value.slice(0, -1)} && node tools/db/migration-diff.mts ${name} --exit-code"`];
    }
    return [key, value];
  });
  const lastStartDev = scripts.findLastIndex(([key]) => key.startsWith('start:dev:'));
  if (lastStartDev < 0) throw new Error('package.json: no start:dev:<app> script to add one after');
  scripts.splice(lastStartDev + 1, 0, [`start:dev:${name}`, `exec node tools/node.cjs nest start ${name} --watch`]);
  return `${JSON.stringify({ ...pkg, scripts: Object.fromEntries(scripts) }, null, 2)}\n`;
}

/** docker-compose.yml: its host and database in the shared environment, its container, and the gateway waits for it. */
export function addToCompose(source: string, service: NewService): string {
  const file = 'docker-compose.yml';
  const { name, constant, snake, project, version } = service;
  let result = insertAfterLast(source, file, /^ {4}[A-Z0-9_]+_RPC_HOST: .*$/gm, `    ${constant}_RPC_HOST: ${name}\n`);
  const url = `postgresql://postgres:postgres@postgres:5432/${snake}`;
  result = insertAfterLast(
    result,
    file,
    /^ {4}[A-Z0-9_]+_DATABASE_URL: .*$/gm,
    `    ${constant}_DATABASE_URL: ${url}\n`,
  );
  const container = [
    `  ${name}:`,
    '    <<: *app',
    `    build: { context: ., dockerfile: docker/Dockerfile, target: runtime, args: { APP: ${name} } }`,
    `    image: ${project}/${name}:${version}`,
    '    depends_on: *service-deps',
    '',
    '',
  ].join('\n');
  result = insertBefore(result, file, /^ {2}gateway:$/m, container);
  const gateway = result.search(/^ {2}gateway:$/m);
  const natsDependency = result.slice(gateway).search(/^ {6}nats: \{ condition: service_healthy \}$/m);
  if (natsDependency < 0) throw new Error(`${file}: the gateway's depends_on has no nats entry to add ${name} before`);
  const at = gateway + natsDependency;
  return `${result.slice(0, at)}      ${name}: { condition: service_healthy }\n${result.slice(at)}`;
}

/** docker/postgres/init-databases.sql: its database, created on the first start like the others. */
export function addToInitDatabases(source: string, { snake }: NewService): string {
  return `${source.trimEnd()}\nCREATE DATABASE ${snake};\n`;
}

/** docker/prometheus/prometheus.yml: a scrape job named after its service.name, on its HTTP port, next to the others. */
export function addToPrometheus(source: string, { name, ports, project }: NewService): string {
  const job = [
    `  - job_name: ${project}-${name}`,
    '    metrics_path: /metrics',
    '    fallback_scrape_protocol: PrometheusText0.0.4',
    '    static_configs:',
    `      - targets: ['${name}:${ports.httpPort}']`,
    '',
    '',
  ].join('\n');
  const lines = source.split('\n');
  let at = lines.findIndex((line) => line === '  - job_name: otel-collector-spanmetrics');
  if (at < 0)
    throw new Error('docker/prometheus/prometheus.yml: no otel-collector-spanmetrics job to add the app before');
  while (lines[at - 1]?.startsWith('  #')) at--; // above the comment that belongs to that job
  return [...lines.slice(0, at), job.trimEnd(), '', ...lines.slice(at)].join('\n');
}

/** .env.example: its ports, its commented-out database URL and its embedded database's port, each with the others. */
export function addToEnvExample(source: string, { name, constant, snake, ports }: NewService): string {
  const file = '.env.example';
  let result = insertAfterLast(
    source,
    file,
    /^[A-Z0-9_]+_RPC_PORT=.*$/gm,
    `${constant}_HTTP_PORT=${ports.httpPort}\n${constant}_RPC_HOST=127.0.0.1\n${constant}_RPC_PORT=${ports.rpcPort}\n`,
  );
  const url = `# ${constant}_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/${snake}\n`;
  result = insertAfterLast(result, file, /^# [A-Z0-9_]+_DATABASE_URL=.*$/gm, url);
  const embedded = `EMBEDDED_${constant}_DB_PORT=${ports.embeddedDatabasePort}\n`;
  result = insertAfterLast(result, file, /^EMBEDDED_[A-Z0-9_]+_DB_PORT=.*$/gm, embedded);
  return result.replace(
    /^(# OTEL_SERVICE_NAME overrides an app's default service.name \()([^)]*)\)/m,
    `$1$2, -${name})`,
  );
}

/** docker/Dockerfile: its Prisma schema before `npm ci`, whose postinstall generates every service's client. */
export function addToDockerfile(source: string, { name }: NewService): string {
  const lines = `COPY apps/${name}/prisma apps/${name}/prisma\nCOPY apps/${name}/prisma.config.ts apps/${name}/\n`;
  return insertAfterLast(source, 'docker/Dockerfile', /^COPY apps\/[^/]+\/prisma\.config\.ts .*$/gm, lines);
}

/** .github/workflows/ci.yml: its image is built with the others'. */
export function addToCiWorkflow(source: string, { name }: NewService): string {
  return replaceOnce(
    source,
    '.github/workflows/ci.yml',
    /^( +app: \[)([^\]]*)\]$/m,
    (_, start: string, apps: string) => {
      return `${start}${apps}, ${name}]`;
    },
  );
}

/** docker/grafana/dashboards/red.json: the dashboard's service picker offers it. */
export function addToDashboard(source: string, { name, project }: NewService): string {
  return replaceOnce(
    source,
    'red.json',
    /("name": "job",[\s\S]*?"query": ")([^"]*)"/,
    (_, start: string, jobs: string) => {
      return `${start}${jobs},${project}-${name}"`;
    },
  );
}

// The gRPC half of a new service's contract: its .proto comes from the template; these two edits enter its method in
// the contract's table and its messages and signature in the compile-time check against the .proto, so that
// TRANSPORT=grpc works for the service from the start, as every other transport does.
const METHODS = 'libs/contracts/src/grpc/grpc-methods.ts';
const COMPAT = 'libs/contracts/src/grpc/proto-compat.ts';

/** grpc-methods.ts: the service's patterns are contract patterns, and `create` is its service's Create method. */
export function addToGrpcMethods(source: string, { name, pascal, constant, snake }: NewService): string {
  const patterns = `${constant}_PATTERNS`;
  let result = insertAfterLast(
    source,
    METHODS,
    /^import .* from '\.\.\/[^']+';$/gm,
    `import { ${patterns} } from '../${name}/${name}.patterns';\n`,
  );
  result = replaceOnce(
    result,
    METHODS,
    /^(export type ContractPattern =\n(?: {2}\| .*\n)*? {2}\| .*);$/m,
    (_, union) => {
      return `${union}\n  | (typeof ${patterns})[keyof typeof ${patterns}];`;
    },
  );
  const entry = `  [${patterns}.create]: { package: '${snake}', service: '${pascal}Service', method: 'Create', isEvent: false },\n`;
  return insertBefore(result, METHODS, /^\} as const satisfies Record<ContractPattern, GrpcMethodRef>;$/m, entry);
}

/** proto-compat.ts: the generated types of its .proto, checked against its contract's request and view. */
export function addToProtoCompat(source: string, { name, pascal, constant, snake }: NewService): string {
  const [request, view] = [`Create${pascal}ItemRequest`, `${pascal}ItemView`];
  const imports =
    `import type { ${constant}_PATTERNS } from '../${name}/${name}.patterns';\n` +
    `import type { ${request}, ${view} } from '../${name}/${name}.types';\n`;
  let result = insertAfterLast(source, COMPAT, /^(?:import type|\}) .*from '\.\.\/[^']+';$/gm, imports);
  result = insertAfterLast(
    result,
    COMPAT,
    /^import type \{ ProtoGrpcType as \w+ \} from '\.\/generated\/\w+';$/gm,
    `import type { ProtoGrpcType as ${pascal}Proto } from './generated/${snake}';\n`,
  );
  result = replaceOnce(
    result,
    COMPAT,
    /^type Proto = (.*);$/m,
    (_, types) => `type Proto = ${types} & ${pascal}Proto;`,
  );
  result = replaceOnce(result, COMPAT, /^(interface MessageContracts \{\n[\s\S]*?)^\}$/m, (_, body) => {
    return `${body}  ${snake}: {\n    ${request}: ${request};\n    ${view}: ${view};\n  };\n}`;
  });
  result = replaceOnce(result, COMPAT, /^(export type MessageChecks = \[\n[\s\S]*?)^\];$/m, (_, body) => {
    return `${body}  Assert<Mutual<keyof MessageContracts['${snake}'], MessageNames<'${snake}'>>>,\n  Assert<MessagesMatch<'${snake}'>>,\n];`;
  });
  return replaceOnce(result, COMPAT, /^(interface ContractSignatures \{\n[\s\S]*?)^\}$/m, (_, body) => {
    return `${body}  [${constant}_PATTERNS.create]: [${request}, ${view}];\n}`;
  });
}

function replaceOnce(
  source: string,
  file: string,
  pattern: RegExp,
  replacer: (match: string, ...groups: string[]) => string,
): string {
  if (!pattern.test(source)) throw new Error(`${file}: found no ${pattern} to edit`);
  return source.replace(pattern, replacer);
}

function insertBefore(source: string, file: string, pattern: RegExp, text: string): string {
  const at = source.search(pattern);
  if (at < 0) throw new Error(`${file}: found no ${pattern} to insert before`);
  return `${source.slice(0, at)}${text}${source.slice(at)}`;
}

/** Inserts `text` on the line after the last match of `pattern` (which must have the `g` and `m` flags). */
function insertAfterLast(source: string, file: string, pattern: RegExp, text: string): string {
  const last = [...source.matchAll(pattern)].at(-1);
  if (!last) throw new Error(`${file}: found no ${pattern} to insert after`);
  const lineEnd = last.index + last[0].length + 1;
  return `${source.slice(0, lineEnd)}${text}${source.slice(lineEnd)}`;
}
