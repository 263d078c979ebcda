// The GitHub Actions workflow and the Renovate config that template users get, checked here because no GitHub
// runner exists where the template is built: the workflow must keep running what .ci/run runs, on the images the
// compose file uses, and Renovate must keep the packages that move together in one update.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APPS, ROOT, loadCompose, readYaml, serviceNameOf } from './stack-files';

interface Step {
  run?: string;
  uses?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}
interface Job {
  steps: Step[];
  services?: Record<string, { image: string }>;
  strategy?: { matrix: Record<string, string[]> };
}
const workflow = readYaml<{ jobs: Record<string, Job> }>(join(ROOT, '.github', 'workflows', 'ci.yml'));
const runs = (job: Job) => job.steps.map((step) => step.run).filter(Boolean);

describe('.github/workflows/ci.yml', () => {
  it('runs the static checks and validates the compose file', () => {
    expect(runs(workflow.jobs.checks)).toEqual(
      expect.arrayContaining([
        'npm run typecheck',
        'npm run lint',
        'npm run format:check',
        'docker compose -f docker-compose.yml config -q',
      ]),
    );
  });

  it("runs the README's test command against PostgreSQL, NATS and RabbitMQ service containers", () => {
    const { test } = workflow.jobs;
    const npmTest = test.steps.find((step) => step.run === 'npm test');
    expect(npmTest?.env?.E2E_DATABASE_URL).toMatch(/^postgresql:\/\/.+@127\.0\.0\.1:5432\//);
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain('npm test ');
    expect(Object.keys(test.services ?? {}).sort()).toEqual(['nats', 'postgres', 'rabbitmq']);
  });

  it('uses the same PostgreSQL and NATS images as docker-compose.yml', () => {
    const compose = loadCompose();
    const services = workflow.jobs.test.services!;
    expect(services.postgres.image).toBe(compose.services.postgres.image);
    expect(services.nats.image).toBe(compose.services.nats.image);
  });

  it("builds every app's image from the Dockerfile's runtime stage", () => {
    const { images } = workflow.jobs;
    expect(images.strategy?.matrix.app).toEqual([...APPS]);
    const build = images.steps.find((step) => step.uses?.startsWith('docker/build-push-action'));
    expect(build?.with).toMatchObject({ file: 'docker/Dockerfile', target: 'runtime' });
    expect(build?.with?.['build-args']).toContain('APP=${{ matrix.app }}');
  });

  it('runs the compose stack for real: validated configs, the README requests, the trace in Jaeger, RED series', () => {
    const steps = workflow.jobs.stack.steps.map((step) => step.run ?? '').join('\n');
    const compose = loadCompose();
    const collectorImage = readFileSync(join(ROOT, 'docker', 'otel-collector', 'Dockerfile'), 'utf8').match(
      /COLLECTOR_IMAGE=(\S+)/,
    )![1];
    expect(steps).toContain(`${collectorImage} validate --config=`);
    expect(steps).toContain(`${compose.services.prometheus.image} check config /etc/prometheus/prometheus.yml`);
    expect(steps).toMatch(/docker compose up --build --wait\b/);
    // The README's order, with the trace id the Jaeger step looks up.
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const traceparent = /traceparent: (00-([0-9a-f]{32})-[0-9a-f]{16}-01)/.exec(readme)!;
    expect(steps).toContain(`traceparent: ${traceparent[1]}`);
    expect(steps).toContain(`localhost:16686/api/traces/${traceparent[2]}`);
    // The apps the README's order passes through (a generated service is not in that trace).
    const orderTrace = (['gateway', 'order', 'user'] as const).map(serviceNameOf);
    expect(steps).toContain(`want='${JSON.stringify(orderTrace)}'`);
    expect(steps).toContain('localhost:9090/api/v1/query');
  });

  it('pins every action to a version', () => {
    const actions = Object.values(workflow.jobs).flatMap((job) => job.steps.map((step) => step.uses).filter(Boolean));
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((action) => !/@v\d+/.test(action!))).toEqual([]);
  });
});

describe('renovate.json', () => {
  const renovate = JSON.parse(readFileSync(join(ROOT, 'renovate.json'), 'utf8')) as {
    packageRules: { groupName?: string; matchPackageNames?: string[] }[];
  };
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
  const dependencies = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
  const groupOf = (name: string) =>
    renovate.packageRules.find((rule) =>
      rule.matchPackageNames?.some((pattern) =>
        pattern.endsWith('/**') ? name.startsWith(pattern.slice(0, -2)) : name === pattern,
      ),
    )?.groupName;

  it.each([
    ['@opentelemetry/', 'OpenTelemetry'],
    ['@nestjs/', 'NestJS'],
  ])('puts every %s package in the %s group', (prefix, group) => {
    const members = dependencies.filter((name) => name.startsWith(prefix));
    expect(members.length).toBeGreaterThan(1);
    expect(members.map(groupOf)).toEqual(members.map(() => group));
  });
});
