// The services of libs/config/src/services.json, for the tools (the apps read the same file through @app/config).
// Read as data, not imported: the tools run outside the build, and the lint rule keeps code out of libs' insides.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Default ports of a service; `npm run new:service` picks the next free ones. */
export type ServicePorts = { httpPort: number; rpcPort: number; embeddedDatabasePort: number };

export const SERVICES_FILE = join(import.meta.dirname, '..', 'libs', 'config', 'src', 'services.json');

export const SERVICES = JSON.parse(readFileSync(SERVICES_FILE, 'utf8')) as Record<string, ServicePorts>;
export const SERVICE_NAMES = Object.keys(SERVICES);
export type ServiceName = string;

/** The prefix of a service's variables: `stock-level` -> `STOCK_LEVEL` (as in libs/config/src/services.ts). */
export function envPrefix(service: string): string {
  return service.toUpperCase().replaceAll('-', '_');
}

/** The default ports of a service of services.json; throws for a name that is not one. */
export function portsOf(service: string): ServicePorts {
  const ports = SERVICES[service];
  if (!ports) throw new Error(`"${service}" is not a service of libs/config/src/services.json`);
  return ports;
}
