// The runtime image's contents, proven without a Docker engine (.ci/run; the workflow builds the real images): the
// runtime stage of docker/Dockerfile is reproduced in a throwaway directory (its COPY sources from the repository, its
// `npm ci` command as written there, and dist/apps/<app> from `npm run build` in place of the build stage), then the
// apps start from there and the image's own HEALTHCHECK command must pass for each. An app that needs a module the
// production install leaves out fails here, not in production. Needs `npm run build` first; the databases are those
// of the e2e suites (E2E_DATABASE_URL, else embedded ones).
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mustRun, run } from '../support/run';
import { Stack, appEntry } from '../support/stack';
import { copyTargets, dockerfileStages, healthcheckCommand, instructionsOf, runCommand } from './dockerfile';
import { APPS, ROOT } from './stack-files';

const runtime = dockerfileStages(join(ROOT, 'docker', 'Dockerfile')).find((stage) => stage.name === 'runtime');
if (!runtime) throw new Error('docker/Dockerfile has no runtime stage');
const install = instructionsOf(runtime, 'RUN')
  .map(runCommand)
  .find((command) => command.startsWith('npm ci'));
if (!install) throw new Error('the runtime stage has no `RUN npm ci`');
const probe = healthcheckCommand(runtime);
if (probe?.[0] !== 'CMD') throw new Error('the runtime stage has no exec-form HEALTHCHECK');

const dir = mkdtempSync(join(tmpdir(), 'runtime-stage-'));
let stack: Stack | undefined;

beforeAll(async () => {
  for (const { source, target } of instructionsOf(runtime, 'COPY').flatMap(copyTargets)) {
    cpSync(join(ROOT, source), join(dir, target), { recursive: true });
  }
  await mustRun('sh', ['-c', install], { cwd: dir });
  const size = (await mustRun('du', ['-sm', 'node_modules'], { cwd: dir })).split('\t')[0];
  console.log(`runtime stage install, in ${dir}: ${install}\nnode_modules: ${size} MB`);
  for (const app of APPS) {
    appEntry(app); // fails unless `npm run build` made it
    cpSync(join(ROOT, 'dist', 'apps', app), join(dir, 'dist', 'apps', app), { recursive: true });
  }
  // As the image runs them (CMD and ENV of the runtime stage), on free ports so nothing else on the machine answers.
  stack = await new Stack({
    transport: 'tcp',
    runFrom: dir,
    env: { NODE_ENV: 'production', OTEL_TRACES_EXPORTER: 'none' },
    appEnv: Object.fromEntries(APPS.map((app) => [app, { APP: app }])),
  }).start();
}, 300_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it.each(APPS)("%s starts from the runtime stage's node_modules and passes its HEALTHCHECK", async (app) => {
  // The stage's HEALTHCHECK command (its argv, in the stage's WORKDIR), with the environment the app runs with.
  const [command, ...args] = probe.slice(1);
  const { env } = stack!.instance(app);
  const result = await run(command === 'node' ? process.execPath : command, args, { cwd: dir, env });
  expect(result).toMatchObject({ code: 0 }); // on failure, the diff shows the probe's stderr
});
