// tools/infra/replay-dockerfile.mts, the native replay of docker/Dockerfile that .ci/run uses, on small Dockerfiles.
// It is ESM TypeScript that only Node's type stripping runs, so it is a child process here, as in CI.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const TOOL = join(__dirname, 'replay-dockerfile.mts');

type Result = { code: number; stdout: string; stderr: string };
type Report = {
  work: string;
  variants: Record<string, { root: string; image: { workdir: string; env: Record<string, string>; user?: string } }>;
};

function replay(context: string, args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [TOOL, '--context', context, ...args], { cwd: context }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'replay-spec-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const DOCKERFILE = `
ARG BASE=example/base:1.0
FROM \${BASE} AS build
WORKDIR /src
COPY package.json ./
RUN echo installed > installed.txt
COPY app ./app
ARG FLAVOR=plain
RUN mkdir -p out && echo "$FLAVOR from $(cat installed.txt)" > out/flavor.txt \\
  && cp app/main.js out/main.js

FROM \${BASE} AS runtime
ENV MODE=production
WORKDIR /srv
COPY --from=build /src/out ./
ARG FLAVOR=plain
ENV FLAVOR=\${FLAVOR}
USER nobody
HEALTHCHECK --interval=5s CMD ["node", "main.js"]
CMD ["sh", "-c", "exec node main.js --flavor=\${FLAVOR}"]
`;

describe('replay-dockerfile', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const fixture = (files: Record<string, string>) => {
    const dir = project({
      Dockerfile: DOCKERFILE,
      'package.json': '{}',
      'app/main.js': "require('node:path');\n",
      ...files,
    });
    dirs.push(dir);
    return dir;
  };

  it('builds the target once per --each value, sharing the steps that do not depend on it', async () => {
    const dir = fixture({});
    const result = await replay(dir, [
      '--file',
      'Dockerfile',
      '--target',
      'runtime',
      '--each',
      'FLAVOR=a,b',
      '--keep',
      '--json',
    ]);
    expect(result.stderr).toContain('[replay] FLAVOR=a: ok');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    dirs.push(report.work);
    // The install runs once for both; the step that reads FLAVOR runs once for each.
    expect(result.stderr.match(/RUN echo installed.*\[shared by FLAVOR=a, FLAVOR=b\]/g)).toHaveLength(1);
    expect(result.stderr.match(/RUN mkdir -p out.*\[FLAVOR=[ab]\]/g)).toHaveLength(2);
    for (const flavor of ['a', 'b']) {
      const { root, image } = report.variants[`FLAVOR=${flavor}`];
      expect(readFileSync(join(root, 'srv', 'flavor.txt'), 'utf8')).toBe(`${flavor} from installed\n`);
      expect(image).toMatchObject({ workdir: '/srv', env: { MODE: 'production', FLAVOR: flavor }, user: 'nobody' });
    }
  });

  it('fails when a COPY source is excluded by .dockerignore', async () => {
    const dir = fixture({ '.dockerignore': 'app\n' });
    const result = await replay(dir, ['--file', 'Dockerfile']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/COPY app \.\/app\): app: not in the build context/);
  });

  it('checks the COPY sources without building in --dry-run', async () => {
    const ok = await replay(fixture({}), ['--file', 'Dockerfile', '--dry-run']);
    expect(ok).toMatchObject({ code: 0, stderr: expect.stringContaining('0 missing source(s)') });
    const missing = await replay(fixture({ '.dockerignore': 'package.json\n' }), ['--file', 'Dockerfile', '--dry-run']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('line 5 (COPY package.json ./): package.json: not in the build context');
    expect(missing.stderr).not.toContain('RUN');
  });

  it('takes the context from git when there is one: a git-ignored file is not in it', async () => {
    const dir = fixture({ '.gitignore': 'app/\n' });
    execFileSync('git', ['init', '-q'], { cwd: dir });
    const result = await replay(dir, ['--file', 'Dockerfile']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('app: not in the build context');
  });

  it('fails when a RUN step fails, naming its line', async () => {
    const dir = fixture({});
    writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE.replace('echo installed >', 'exit 3; echo installed >'));
    const result = await replay(dir, ['--file', 'Dockerfile']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/failed: line 6 \(RUN exit 3; .*\): exited 3/);
  });

  it('fails when the image lacks a file its CMD names, or a module its code requires', async () => {
    const dir = fixture({ 'app/main.js': "require('left-pad');\nrequire('./missing');\n" });
    writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE.replace('exec node main.js', 'exec node server.js'));
    const result = await replay(dir, ['--file', 'Dockerfile']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('names /srv/server.js, which the image lacks');
    expect(result.stderr).toContain("require('left-pad') does not resolve");
    expect(result.stderr).toContain("require('./missing') does not resolve");
  });

  it('refuses what it cannot replay faithfully', async () => {
    const dir = fixture({});
    writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE.replace('COPY app ./app', 'ADD app ./app'));
    const result = await replay(dir, ['--file', 'Dockerfile']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ADD is not replayed');
  });
});
