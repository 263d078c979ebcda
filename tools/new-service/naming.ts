// The names a new service goes by in each place, and the rules a name must follow. Pure: the spec next to this file
// tests it, and new-service.mts uses it.

/** Lower-case words joined by hyphens: a folder, a compose service, a NATS queue and a Prometheus job all accept it. */
export const SERVICE_NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

const MAX_LENGTH = 30;

/**
 * Names taken by something else the service would collide with: the gateway and the libraries (nest-cli.json
 * projects), the contracts lib's own folders, the other docker-compose services, and the repository's top folders.
 */
export const RESERVED_NAMES = new Set([
  'gateway',
  'config',
  'contracts',
  'logging',
  'prisma',
  'redaction',
  'tracing',
  'transport',
  'grpc',
  'rpc',
  'generated',
  'migrate',
  'postgres',
  'nats',
  'rabbitmq',
  'otel-collector',
  'jaeger',
  'prometheus',
  'grafana',
  'apps',
  'libs',
  'tools',
  'test',
  'docker',
  'dist',
  'bench',
]);

/** Every spelling of one service's name. */
export interface ServiceNames {
  /** `stock-level`: the app folder, the service in services.json, patterns (`stock-level.create`), URLs. */
  name: string;
  /** `StockLevel`: classes. */
  pascal: string;
  /** `stockLevel`: properties, the typed client's key in RpcClientsModule. */
  camel: string;
  /** `STOCK_LEVEL`: the prefix of its variables and its pattern constants. */
  constant: string;
  /** `stock_level`: its table and database. */
  snake: string;
}

export function namesOf(name: string): ServiceNames {
  const words = name.split('-');
  const capitalised = words.map((word) => word[0]!.toUpperCase() + word.slice(1));
  return {
    name,
    pascal: capitalised.join(''),
    camel: words[0] + capitalised.slice(1).join(''),
    constant: words.join('_').toUpperCase(),
    snake: words.join('_'),
  };
}

/** Why `name` cannot be a new service, or undefined when it can. `existing`: the apps and services there already. */
export function invalidNameReason(name: string | undefined, existing: readonly string[]): string | undefined {
  if (!name) return 'give the service a name: npm run new:service -- <name>';
  if (!SERVICE_NAME_PATTERN.test(name)) {
    return `"${name}" is not a valid service name: use lower-case letters and digits, words joined by "-" (e.g. inventory, stock-level)`;
  }
  if (name.length > MAX_LENGTH) return `"${name}" is longer than ${MAX_LENGTH} characters`;
  if (RESERVED_NAMES.has(name))
    return `"${name}" is reserved: it names a library, a folder or a docker-compose service`;
  if (existing.includes(name)) return `"${name}" exists already`;
  return undefined;
}

/** The template's placeholders, longest first so that none is replaced inside another. */
export function placeholders(names: ServiceNames & { project: string }, timestamp: string): [string, string][] {
  return [
    ['__project__', names.project],
    ['__name_snake__', names.snake],
    ['__nameCamel__', names.camel],
    ['__timestamp__', timestamp],
    // The service's part of AppConfig: `config.inventory`, or `config['stock-level']` for a name with a hyphen.
    ['__config__', names.name === names.camel ? `config.${names.name}` : `config['${names.name}']`],
    ['__Name__', names.pascal],
    ['__NAME__', names.constant],
    ['__name__', names.name],
  ];
}

export function fillPlaceholders(text: string, values: [string, string][]): string {
  return values.reduce((filled, [placeholder, value]) => filled.replaceAll(placeholder, value), text);
}

/** Prisma's migration folder prefix: the UTC time as yyyyMMddHHmmss. */
export function migrationTimestamp(now: Date): string {
  return now.toISOString().replace(/\D/g, '').slice(0, 14);
}
