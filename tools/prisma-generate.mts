// Generates each service's Prisma client (apps/<svc>/src/generated/prisma) with the Prisma CLI, also on machines
// that cannot download Prisma's engines. Run as postinstall and before build; silent unless something fails.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SERVICE_NAMES as SERVICES } from './services.mts';

const root = join(import.meta.dirname, '..');

let cli: string;
try {
  cli = fileURLToPath(import.meta.resolve('prisma/build/index.js'));
} catch {
  // A production install (npm ci --omit=dev) has no Prisma CLI; its clients come from the build stage.
  console.warn('prisma-generate: the prisma CLI is not installed; skipping client generation');
  process.exit(0);
}

const env = { ...process.env };
// Before it generates, the CLI makes sure a native schema-engine binary exists and downloads it when missing, which
// fails offline. `generate` never runs that engine (the client needs none at run time with the pg driver adapter), so
// any existing file satisfies the check. Only when the user has not chosen a binary of their own.
env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(import.meta.resolve('prisma/package.json'));
env.CHECKPOINT_DISABLE ??= '1'; // no version-check request to checkpoint.prisma.io
env.PRISMA_HIDE_UPDATE_MESSAGE ??= '1';

const run = promisify(execFile);
const results = await Promise.allSettled(
  SERVICES.map((service) =>
    run(process.execPath, [cli, 'generate', '--config', join('apps', service, 'prisma.config.ts')], { cwd: root, env }),
  ),
);

results.forEach((result, i) => {
  if (result.status === 'fulfilled') return;
  const error = result.reason as Error & { stdout?: string; stderr?: string };
  console.error(`prisma-generate: ${SERVICES[i]} failed\n${error.stdout ?? ''}${error.stderr ?? error.message}`);
  process.exitCode = 1;
});
