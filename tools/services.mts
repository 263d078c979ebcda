// The apps of libs/config/src/services.json and gateway.json, for the tools (the apps read them through @app/config).
// Read as data, not imported: the tools run outside the build, and the lint rule keeps code out of libs' insides.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A service's variables' prefix and default ports; `npm run new:service` picks the next free ones. */
type ServicePorts = { envPrefix: string; httpPort: number; rpcPort: number; embeddedDatabasePort: number };

const readConfig = (file: string): unknown =>
  JSON.parse(readFileSync(join(import.meta.dirname, '..', 'libs', 'config', 'src', file), 'utf8'));
const SERVICES = readConfig('services.json') as Record<string, ServicePorts>;
const GATEWAY = readConfig('gateway.json') as { httpPortVariable: string; httpPort: number };
export const SERVICE_NAMES = Object.keys(SERVICES);
/** Every app: the services, then the gateway, which is ready only once they answer it. */
export const APP_NAMES = [...SERVICE_NAMES, 'gateway'];

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

/** The variable that holds a service's RPC port (TCP and gRPC listen on it). */
export function rpcPortVariable(service: string): string {
  return `${envPrefix(service)}_RPC_PORT`;
}

/** The variable that holds an app's HTTP port (a service's health and metrics), and its default. */
export function httpPortOf(app: string): { variable: string; port: number } {
  if (app === 'gateway') return { variable: GATEWAY.httpPortVariable, port: GATEWAY.httpPort };
  return { variable: `${envPrefix(app)}_HTTP_PORT`, port: portsOf(app).httpPort };
}
