#!/usr/bin/env node
// Health probe of an app image (Dockerfile HEALTHCHECK, and the healthchecks in docker-compose.yml): GET /health/live
// on the app's own HTTP port, which each app reads from its own variable (libs/config/src/env.schema.ts). Exits 0 on a
// 2xx, 1 otherwise, as Docker expects. Plain CommonJS with no dependencies: it runs in the runtime image as is, beside
// the copy of libs/config/src/services.json and gateway.json that the Dockerfile puts there.
'use strict';

const { existsSync } = require('node:fs');
const { join } = require('node:path');

// The registry of libs/config/src: two folders up in the repository, next to this file in the image (Dockerfile).
const REGISTRY = [join(__dirname, '..', 'libs', 'config', 'src'), join(__dirname, 'libs', 'config', 'src')].find(
  (dir) => existsSync(join(dir, 'services.json')),
);
if (!REGISTRY) throw new Error('healthcheck: libs/config/src/services.json is missing');

/** The variable each app reads its HTTP port from, and its default, from the registry the apps read. */
const HTTP_PORTS = {
  gateway: (({ httpPortVariable, httpPort }) => ({ variable: httpPortVariable, fallback: httpPort }))(
    require(join(REGISTRY, 'gateway.json')),
  ),
  ...Object.fromEntries(
    Object.entries(require(join(REGISTRY, 'services.json'))).map(([app, { envPrefix, httpPort }]) => [
      app,
      { variable: `${envPrefix}_HTTP_PORT`, fallback: httpPort },
    ]),
  ),
};

/** The liveness URL of `app`, from the environment the app itself sees. */
function liveUrl(app, env = process.env) {
  const port = HTTP_PORTS[app];
  if (!port)
    throw new Error(`unknown APP ${JSON.stringify(app)}; expected one of ${Object.keys(HTTP_PORTS).join(', ')}`);
  return `http://127.0.0.1:${env[port.variable] || port.fallback}/health/live`;
}

async function main() {
  const url = liveUrl(process.env.APP);
  // Below Docker's own timeout (3s), so a hung app is reported as such rather than as a killed probe.
  const response = await fetch(url, { signal: AbortSignal.timeout(2500) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error) => {
      // fetch's own message is "fetch failed"; the reason (ECONNREFUSED, a timeout) is in its cause.
      const cause = error && error.cause ? ` (${error.cause.code || error.cause.message})` : '';
      console.error(`healthcheck: ${error instanceof Error ? error.message : String(error)}${cause}`);
      process.exit(1);
    },
  );
}

module.exports = { HTTP_PORTS, liveUrl };
