// The services of libs/config/src/services.json, for the tools (the apps read the same file through @app/config).
// Read as data, not imported: the tools run outside the build, and the lint rule keeps code out of libs' insides.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A service's variables' prefix and default ports; `npm run new:service` picks the next free ones. */
type ServicePorts = { envPrefix: string; httpPort: number; rpcPort: number; embeddedDatabasePort: number };

const SERVICES = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'libs', 'config', 'src', 'services.json'), 'utf8'),
) as Record<string, ServicePorts>;
export const SERVICE_NAMES = Object.keys(SERVICES);

export function isService(name: string | undefined): name is string {
  return SERVICE_NAMES.includes(name ?? '');
}

/** The default ports of a service of services.json; throws for a name that is not one. */
export function portsOf(service: string): ServicePorts {
  const ports = SERVICES[service];
  if (!ports) throw new Error(`"${service}" is not a service of libs/config/src/services.json`);
  return ports;
}

/** The prefix of a service's variables: `stock-level` -> `STOCK_LEVEL`. */
export function envPrefix(service: string): string {
  return portsOf(service).envPrefix;
}

/** The variable that holds a service's database URL. */
export function databaseUrlVariable(service: string): string {
  return `${envPrefix(service)}_DATABASE_URL`;
}
