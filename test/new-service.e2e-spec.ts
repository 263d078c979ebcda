// `npm run new:service` end to end, in a copy of this repository: generate a service, build the copy, run it next to
// the other apps, call its pattern through the gateway, and follow the trace from the caller into its database.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unconventionalAttributes } from '@app/tracing/testing';
import { OtlpReceiver, ReceivedSpan, SpanKind } from './support/otlp-receiver';
import { type RepoCopy, copyRepo } from './support/repo-copy';
import { mustRun, parseCurlResponse, run } from './support/run';
import { SpanTree } from './support/span-tree';
import { Stack } from './support/stack';

const SERVICE = 'inventory';
// The README's "Add a service" commands, run as written (the call against the test's gateway port).
const README_GENERATE = 'npm run new:service -- inventory';
const README_CALL = `curl -si -XPOST localhost:3000/inventory -H 'content-type: application/json' -H 'traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' -d '{"name":"first crate"}'`;

const receiver = new OtlpReceiver();
let repository: RepoCopy | undefined;
let copy: string;
let generatorOutput: string;
let stack: Stack | undefined;

beforeAll(async () => {
  await receiver.start();
  // The generator and the build write the Prisma clients the copy lacks.
  repository = copyRepo();
  copy = repository.dir;
  generatorOutput = await mustRun('bash', ['-c', README_GENERATE], { cwd: copy });
  await mustRun('npm', ['run', 'build'], { cwd: copy });
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  await receiver.stop();
  repository?.remove();
});

describe('npm run new:service', () => {
  it('says what it created, its .proto included', () => {
    expect(generatorOutput).toContain(`Created the ${SERVICE} service`);
    expect(generatorOutput).toContain(`apps/${SERVICE}/src/main.ts`);
    expect(generatorOutput).toContain(`libs/contracts/src/grpc/${SERVICE}.proto`);
  });

  it.each([
    [SERVICE, `"${SERVICE}" exists already`],
    ['Stock_Level', '"Stock_Level" is not a valid service name'],
    ['gateway', '"gateway" is reserved'],
  ])('refuses %s, and changes nothing', async (name, reason) => {
    const registry = readFileSync(join(copy, 'libs/config/src/services.json'), 'utf8');

    const result = await run('npm', ['run', 'new:service', '--', name], { cwd: copy });

    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(reason);
    expect(readFileSync(join(copy, 'libs/config/src/services.json'), 'utf8')).toBe(registry);
  });

  it('passes its own unit test and the checks that cover every app (tracing first, env, compose, Prometheus)', async () => {
    const jest = join(copy, 'node_modules/jest/bin/jest.js');
    const specs = [`apps/${SERVICE}`, 'test/repo', 'libs/config', 'test/infra', 'tools/new-service'];

    const result = await run(process.execPath, [jest, ...specs, '--selectProjects', 'unit'], { cwd: copy });

    expect({ code: result.code, output: result.stderr }).toEqual({ code: 0, output: expect.any(String) });
    expect(result.stderr).toContain(`PASS unit apps/${SERVICE}/src/${SERVICE}/${SERVICE}.service.spec.ts`);
    expect(result.stderr).toContain('PASS unit test/repo/tracing-first.spec.ts');
  }, 120_000);

  it('writes code that passes lint and Prettier', async () => {
    const written = [`apps/${SERVICE}`, `apps/gateway/src`, `libs/contracts/src`, 'libs/transport/src'];
    const eslint = join(copy, 'node_modules/eslint/bin/eslint.js');
    const prettier = join(copy, 'node_modules/prettier/bin/prettier.cjs');

    const lint = await run(process.execPath, [eslint, '--max-warnings', '0', ...written], { cwd: copy });
    const format = await run(process.execPath, [prettier, '--check', '.'], { cwd: copy });

    expect([lint.code, lint.stdout]).toEqual([0, '']);
    expect([format.code, format.stderr]).toEqual([0, '']);
  }, 120_000);

  it('writes a first migration that matches its schema', async () => {
    const result = await run(process.execPath, ['tools/db/migration-diff.mts', SERVICE, '--exit-code'], { cwd: copy });

    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
  }, 60_000);
});

describe(`the generated ${SERVICE} service on gRPC, from its generated .proto`, () => {
  let grpcStack: Stack | undefined;

  afterAll(async () => {
    await grpcStack?.stop();
  });

  it("serves its pattern through the gateway, under the caller's trace", async () => {
    grpcStack = await new Stack({
      otlpEndpoint: receiver.endpoint,
      transport: 'grpc',
      repository: { root: copy },
    }).start();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await fetch(`${grpcStack.gatewayUrl}/${SERVICE}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      body: JSON.stringify({ name: 'over grpc' }),
    });

    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ name: 'over grpc' });
    const spans = await receiver.waitForTrace(traceId, (received) =>
      received.some((span) => span.service === SERVICE && span.name === `${SERVICE}.create`),
    );
    const tree = new SpanTree(spans);
    const handler = tree.one(SERVICE, `${SERVICE}.create`, SpanKind.SERVER);
    // instrumentation-grpc's SERVER span sits between the gateway's call and the handler.
    expect(tree.parentOf(handler)).toMatchObject({ service: SERVICE, kind: SpanKind.SERVER });
    expect(tree.parentOf(handler)!.attributes['rpc.system']).toBe('grpc');
  }, 120_000);
});

describe(`the generated ${SERVICE} service, called through the gateway`, () => {
  // The caller's span, from the traceparent in README_CALL.
  const caller = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' };
  let response: { status: number; body: { id: string; name: string; createdAt: string } };
  let tree: SpanTree;

  beforeAll(async () => {
    stack = await new Stack({
      otlpEndpoint: receiver.endpoint,
      repository: { root: copy },
    }).start();
    const call = README_CALL.replace('localhost:3000', new URL(stack.gatewayUrl).host);
    const { status, headers, body } = parseCurlResponse(await mustRun('bash', ['-c', call], { cwd: copy }));
    response = { status, body: JSON.parse(body) as typeof response.body };
    expect(headers.traceresponse).toMatch(new RegExp(`^00-${caller.traceId}-[0-9a-f]{16}-01$`));
    // Each app exports on its own schedule; the gateway's SERVER span ends only once the response is sent.
    const expected = [`gateway:POST /${SERVICE}`, `gateway:${SERVICE}.create`, `${SERVICE}:prisma:client:db_query`];
    const spans = await receiver.waitForTrace(caller.traceId, (received) => {
      const names = new Set(received.map((span) => `${span.service}:${span.name}`));
      return expected.every((name) => names.has(name));
    });
    tree = new SpanTree(spans);
  }, 120_000);

  it('answers with the stored item', () => {
    expect(response).toEqual({
      status: 201,
      body: { id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'first crate', createdAt: expect.any(String) },
    });
  });

  it("continues the caller's trace: the gateway's SERVER span is the caller's child", () => {
    const server = tree.one('gateway', `POST /${SERVICE}`, SpanKind.SERVER);

    expect(server).toMatchObject({ traceId: caller.traceId, parentSpanId: caller.spanId });
  });

  it("puts the service's SERVER span under the gateway's CLIENT span, both naming the pattern", () => {
    const call = tree.one('gateway', `${SERVICE}.create`, SpanKind.CLIENT);
    const handler = tree.one(SERVICE, `${SERVICE}.create`, SpanKind.SERVER);

    expect(tree.isDescendant(call, tree.one('gateway', `POST /${SERVICE}`, SpanKind.SERVER))).toBe(true);
    expect(handler.parentSpanId).toBe(call.spanId);
    for (const span of [call, handler]) {
      expect(span.attributes).toMatchObject({ 'rpc.system.name': 'nestjs', 'rpc.method': `${SERVICE}.create` });
    }
  });

  it('runs the @Traced() service method as a child of the SERVER span, and its query below that', () => {
    const handler = tree.one(SERVICE, `${SERVICE}.create`, SpanKind.SERVER);
    const method = tree.one(SERVICE, 'InventoryService.create', SpanKind.INTERNAL);
    const insert = tree.spans.filter(
      (span: ReceivedSpan) =>
        span.name === 'prisma:client:db_query' &&
        /INSERT INTO "public"\."inventory_items"/.test(String(span.attributes['db.query.text'])),
    );

    expect(method.parentSpanId).toBe(handler.spanId);
    expect(insert).toHaveLength(1);
    expect(insert[0].service).toBe(SERVICE);
    expect(insert[0].attributes['db.system.name']).toBe('postgresql');
    expect(tree.isDescendant(insert[0], method)).toBe(true);
  });

  it('names every attribute after the semantic conventions or a documented app.* key, in its spans too', () => {
    expect(tree.spans.filter((span) => span.service === SERVICE).length).toBeGreaterThanOrEqual(3);
    expect(unconventionalAttributes(tree.spans)).toEqual([]);
  });

  it("logs the item's creation with the caller's trace id and the method's span id", () => {
    const lines = stack!.app(SERVICE).logs.filter((line) => line.msg === `${SERVICE} item created`);

    expect(lines).toEqual([
      expect.objectContaining({
        service: SERVICE,
        itemId: response.body.id,
        trace_id: caller.traceId,
        span_id: tree.one(SERVICE, 'InventoryService.create').spanId,
      }),
    ]);
  });
});
