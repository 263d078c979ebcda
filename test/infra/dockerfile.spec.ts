// docker/Dockerfile, read with dockerfile-ast and .dockerignore with @balena/dockerignore (the rules Docker applies):
// what the app images must keep without anyone building them here. The workflow builds them for real, and .ci/run
// starts every app from the runtime stage's install (production-install.live-spec.ts).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import dockerignore from '@balena/dockerignore';
import { copySources, dockerfileStages, healthcheckCommand, instructionsOf, runCommand, stageUser } from './dockerfile';
import { ROOT, isPinned } from './stack-files';

const stages = dockerfileStages(join(ROOT, 'docker', 'Dockerfile'));
const ignored = dockerignore({ ignorecase: false }).add(readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n'));
const stage = (name: string) => stages.find((each) => each.name === name)!;

describe('docker/Dockerfile', () => {
  it('builds in a build stage and ends with the runtime stage, from pinned base images', () => {
    expect(stages.map((each) => each.name)).toEqual(['build', 'runtime']);
    for (const { base } of stages) expect({ base, pinned: isPinned(base) }).toEqual({ base, pinned: true });
  });

  it.each(['build', 'runtime'])('installs with npm ci in the %s stage', (name) => {
    expect(instructionsOf(stage(name), 'RUN').map(runCommand)).toContainEqual(expect.stringMatching(/^npm ci\b/));
  });

  it('installs only production dependencies, without optional peers or install scripts, in the runtime stage', () => {
    const install = instructionsOf(stage('runtime'), 'RUN')
      .map(runCommand)
      .find((run) => run.startsWith('npm ci'));
    expect(install?.split(/\s+/)).toEqual(
      expect.arrayContaining(['--omit=dev', '--omit=optional', '--ignore-scripts']),
    );
  });

  it('runs the runtime image as a non-root user, with a HEALTHCHECK', () => {
    expect(stageUser(stage('runtime'))).toMatch(/^(?!root$|0$)\w+/);
    expect(healthcheckCommand(stage('runtime'))).toEqual(['CMD', 'node', 'healthcheck.cjs']);
  });

  it('copies only sources that exist in the build context and that .dockerignore lets through', () => {
    const sources = stages.flatMap((each) => instructionsOf(each, 'COPY').flatMap(copySources));
    expect(sources.length).toBeGreaterThan(1);
    for (const source of sources) {
      expect({ source, exists: existsSync(join(ROOT, source)) }).toEqual({ source, exists: true });
      if (source !== '.') expect({ source, ignored: ignored.ignores(source) }).toEqual({ source, ignored: false });
    }
  });

  it('reads .dockerignore as Docker does: the dependencies and the build output stay out of the context', () => {
    expect(
      ['node_modules/pino/index.js', 'dist/apps/gateway', '.env', 'apps/user/src/generated/x.ts'].map((path) =>
        ignored.ignores(path),
      ),
    ).toEqual([true, true, true, true]);
    expect(ignored.ignores('.env.example')).toBe(false);
  });
});
