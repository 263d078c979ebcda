// The names a new service goes by in each place, and the rules a name must follow. Pure but for reservedNames.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** Lower-case words joined by hyphens: a folder, a compose service, a NATS queue and a Prometheus job all accept it. */
export const SERVICE_NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

const MAX_LENGTH = 30;

/**
 * Names taken by something other than a service, which a new one would collide with, read from where each is declared:
 * the apps (the gateway) and libraries, the contracts lib's own folders, the compose services, the top folders, and the
 * folders builds and tools create (dist, generated). Not the services: "exists already" says so better.
 */
export function reservedNames(root: string): Set<string> {
  const read = (file: string) => readFileSync(join(root, file), 'utf8');
  const services = Object.keys(JSON.parse(read('libs/config/src/services.json')) as object);
  const compose = parse(read('docker-compose.yml')) as { services: object };
  const names = [
    ...['apps', 'libs', 'libs/contracts/src', '.'].flatMap((folder) => readdirSync(join(root, folder))),
    ...Object.keys(compose.services),
    ...['dist', 'generated'],
  ];
  return new Set(names.filter((name) => !services.includes(name)));
}

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

/** Why `name` cannot be a new service, or undefined when it can: `services` are those of services.json. */
export function invalidNameReason(
  name: string | undefined,
  services: readonly string[],
  reserved: ReadonlySet<string>,
): string | undefined {
  if (!name) return 'give the service a name: npm run new:service -- <name>';
  if (!SERVICE_NAME_PATTERN.test(name)) {
    return `"${name}" is not a valid service name: use lower-case letters and digits, words joined by "-" (e.g. inventory, stock-level)`;
  }
  if (name.length > MAX_LENGTH) return `"${name}" is longer than ${MAX_LENGTH} characters`;
  if (services.includes(name)) return `"${name}" exists already`;
  if (reserved.has(name)) return `"${name}" is reserved: it names a library, a folder or a docker-compose service`;
  return undefined;
}

/** The template's placeholders, longest first so that none is replaced inside another; `now` names the migration. */
export function placeholders(names: ServiceNames & { project: string }, now: Date): [string, string][] {
  return [
    ['__project__', names.project],
    ['__name_snake__', names.snake],
    ['__nameCamel__', names.camel],
    ['__timestamp__', migrationTimestamp(now)],
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
