// The runtime image's contents, proven without a Docker engine (.ci/run; the workflow builds the real images): the
// runtime stage of docker/Dockerfile is reproduced in a throwaway directory (its COPY sources from the repository, its
// `npm ci` command as written there, and dist/apps/<app> from `npm run build` in place of the build stage), then each
// app starts from there and the image's own HEALTHCHECK command must pass. An app that needs a module the production
// install leaves out fails here, not in production. Needs `npm run build` first, and the databases `npm start` uses
// (USER_DATABASE_URL and ORDER_DATABASE_URL), else embedded ones.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort } from '../bench/apps.mts';
import { startDatabases } from '../bench/databases.mts';
import { stopChild } from '../bench/proc.ts';
import { copyTargets, dockerfileStages, healthcheckCommand, instructionsOf, runCommand } from './dockerfile.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const registry = (file: string): unknown => JSON.parse(readFileSync(join(ROOT, 'libs/config/src', file), 'utf8'));
const services = registry('services.json') as Record<string, { envPrefix: string }>;
const APPS = ['gateway', ...Object.keys(services)];
const START_TIMEOUT_MS = 60_000;

const runtime = dockerfileStages(join(ROOT, 'docker', 'Dockerfile')).find((stage) => stage.name === 'runtime');
if (!runtime) throw new Error('docker/Dockerfile has no runtime stage');
const install = instructionsOf(runtime, 'RUN')
  .map(runCommand)
  .find((command) => command.startsWith('npm ci'));
if (!install) throw new Error('the runtime stage has no `RUN npm ci`');
const probe = healthcheckCommand(runtime);
if (probe?.[0] !== 'CMD') throw new Error('the runtime stage has no exec-form HEALTHCHECK');

const dir = mkdtempSync(join(tmpdir(), 'runtime-stage-'));
const httpPortVariable = (app: string): string =>
  app === 'gateway'
    ? (registry('gateway.json') as { httpPortVariable: string }).httpPortVariable
    : `${services[app]!.envPrefix}_HTTP_PORT`;

/** Runs the stage's HEALTHCHECK command (its argv, in the stage's WORKDIR) until it exits 0 or the deadline passes. */
async function waitHealthy(app: string, env: NodeJS.ProcessEnv, child: ChildProcess): Promise<void> {
  const [command, ...args] = probe!.slice(1);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${app} exited with ${child.exitCode} before it was healthy`);
    try {
      execFileSync(command === 'node' ? process.execPath : command!, args, { cwd: dir, env, stdio: 'ignore' });
      return;
    } catch {
      await delay(250);
    }
  }
  throw new Error(`${app} was not healthy within ${START_TIMEOUT_MS} ms`);
}

/** Each service's database and RPC port, as the variables every app reads (the gateway needs the ports too). */
async function serviceVariables(urls: Record<string, string>): Promise<Record<string, string>> {
  const variables: Record<string, string> = {};
  for (const [service, { envPrefix }] of Object.entries(services)) {
    variables[`${envPrefix}_DATABASE_URL`] = urls[service]!;
    variables[`${envPrefix}_RPC_PORT`] = String(await freePort());
  }
  return variables;
}

async function main(): Promise<void> {
  for (const { source, target } of instructionsOf(runtime!, 'COPY').flatMap(copyTargets)) {
    cpSync(join(ROOT, source), join(dir, target), { recursive: true });
  }
  console.log(`runtime stage install, in ${dir}: ${install}`);
  execFileSync('sh', ['-c', install!], { cwd: dir, stdio: 'inherit' });
  const size = execFileSync('du', ['-sm', 'node_modules'], { cwd: dir, encoding: 'utf8' }).split('\t')[0];
  console.log(`node_modules: ${size} MB`);

  const databases = await startDatabases();
  const children: ChildProcess[] = [];
  try {
    for (const app of APPS) {
      const built = join(ROOT, 'dist', 'apps', app);
      if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` first`);
      cpSync(built, join(dir, 'dist', 'apps', app), { recursive: true });
      // As the image runs it (CMD and ENV of the runtime stage), on free ports so nothing else on the machine answers.
      const env = {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        APP: app,
        TRANSPORT: 'tcp',
        [httpPortVariable(app)]: String(await freePort()),
        ...(await serviceVariables(databases.urls)),
        OTEL_TRACES_EXPORTER: 'none',
      };
      const child = spawn(process.execPath, [`dist/apps/${app}/apps/${app}/src/main.js`], {
        cwd: dir,
        env,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      children.push(child);
      await waitHealthy(app, env, child);
      console.log(`ok ${app}: starts from the runtime stage's node_modules and passes its HEALTHCHECK`);
      await stopChild(child);
    }
  } finally {
    await Promise.all(children.map(stopChild));
    await databases.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
