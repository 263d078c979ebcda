// A newcomer following the README: `npm run dev` exactly as written (in a throwaway copy of the repository, so its
// .data/ and dist/ land there), the two "Try it" requests with curl, Ctrl-C; then the NATS variant with two
// replicas per service. The commands are written verbatim (support/dev-run.ts), and the first test fails if the
// README no longer shows them, so they cannot drift apart. Only what a developer could not avoid changing is changed:
// the ports (free ones, so nothing else on the machine collides) and the OTLP endpoint (the test's receiver).
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { extractCommands } from './repo/doc-commands';
import { AppProcess } from './support/app-process';
import {
  CREATE_ORDER,
  CREATE_USER,
  DEV,
  type DevPorts,
  README_PARENT_SPAN_ID,
  README_TRACE_ID,
  asRun,
  devEnvironment,
  devPorts,
  startDev,
  waitReady,
} from './support/dev-run';
import { OtlpReceiver, SpanKind } from './support/otlp-receiver';
import { freePort } from './support/ports';
import { type RepoCopy, copyRepo } from './support/repo-copy';
import { mustRun, parseCurlResponse } from './support/run';
import { SpanTree } from './support/span-tree';
import { newTraceparent, parseTraceHeader } from './support/traceparent';
import { waitUntil } from './support/wait';

const ROOT = join(__dirname, '..');

const DEV_NATS_REPLICAS = 'TRANSPORT=nats USER_REPLICAS=2 ORDER_REPLICAS=2 npm run dev';
jest.setTimeout(600_000);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Every port `npm run dev` opened (HTTP, RPC, embedded databases, replicas) is closed again. */
async function openPorts(ports: DevPorts, replicas: number): Promise<number[]> {
  const all = Object.values(ports).map(Number);
  const servicePorts = Object.entries(ports).filter(([name]) => name.endsWith('_HTTP_PORT'));
  for (let replica = 1; replica < replicas; replica++) {
    all.push(...servicePorts.map(([, port]) => Number(port) + 10 * replica));
  }
  const open = await Promise.all(all.map(portOpen));
  return all.filter((_, index) => open[index]);
}

function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin'];
  return dirs.map((dir) => join(dir, name)).find((path) => existsSync(path));
}

const receiver = new OtlpReceiver();
let copy: RepoCopy;

beforeAll(async () => {
  await receiver.start();
  copy = copyRepo({ generated: true });
});

afterAll(async () => {
  await receiver.stop();
  copy?.remove();
});

it('runs the commands the README shows', () => {
  const shown = extractCommands(readFileSync(join(ROOT, 'README.md'), 'utf8')).map(({ command }) => command);
  expect(shown).toEqual(expect.arrayContaining([DEV, DEV_NATS_REPLICAS, CREATE_USER, CREATE_ORDER]));
});

describe(`${DEV}, then "Try it"`, () => {
  let dev: AppProcess;
  let ports: DevPorts;
  let user: Record<string, unknown>;
  let orderResponse: { status: number; headers: Record<string, string>; body: Record<string, unknown> };

  beforeAll(async () => {
    ports = await devPorts(1);
    dev = startDev(DEV, copy, devEnvironment(ports, receiver.endpoint));
    await waitReady(dev, `http://127.0.0.1:${ports.GATEWAY_PORT}`);

    const gatewayPort = Number(ports.GATEWAY_PORT);
    user = JSON.parse(await mustRun('bash', ['-c', asRun(CREATE_USER, gatewayPort)])) as Record<string, unknown>;
    const raw = await mustRun('bash', ['-c', asRun(CREATE_ORDER, gatewayPort, String(user.id))]);
    const { status, headers, body } = parseCurlResponse(raw);
    orderResponse = { status, headers, body: JSON.parse(body) as Record<string, unknown> };
  }, 600_000);

  afterAll(async () => {
    await dev?.interrupt('SIGTERM');
  });

  it('creates the user (the first request), with the fields the README shows', () => {
    expect(user).toEqual({
      id: expect.stringMatching(UUID),
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      orderCount: 0,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
    });
  });

  it('creates the order (the second request): 201, traceresponse in the caller trace, x-request-id', () => {
    expect(orderResponse.status).toBe(201);
    expect(orderResponse.body).toMatchObject({
      id: expect.stringMatching(UUID),
      userId: user.id,
      status: 'created',
      totalCents: 3000,
      items: [{ sku: 'BOOK-1', quantity: 2, unitPriceCents: 1500 }],
    });
    expect(parseTraceHeader(orderResponse.headers.traceresponse ?? null).traceId).toBe(README_TRACE_ID);
    expect(orderResponse.headers['x-request-id']).toMatch(UUID);
  });

  it("sends the trace to OTEL_EXPORTER_OTLP_ENDPOINT: the gateway's SERVER span under the caller's span", async () => {
    const spans = await receiver.waitForTrace(README_TRACE_ID, (received) =>
      ['gateway:POST /orders', 'order:OrdersService.create', 'user:UsersService.recordOrder'].every((name) =>
        received.some((span) => `${span.service}:${span.name}` === name),
      ),
    );
    const tree = new SpanTree(spans);
    const root = tree.one('gateway', 'POST /orders', SpanKind.SERVER);
    expect(root.parentSpanId).toBe(README_PARENT_SPAN_ID);
    // traceresponse names the gateway span, as the README says (`<gateway span>`).
    expect(parseTraceHeader(orderResponse.headers.traceresponse ?? null).spanId).toBe(root.spanId);
    expect(new Set(spans.map((span) => span.service))).toEqual(new Set(['gateway', 'order', 'user']));
    expect(root.resource['deployment.environment.name']).toBe('development');
  });

  it('stops on Ctrl-C (SIGINT to its process group): exit code 0, every port closed', async () => {
    expect(await dev.interrupt('SIGINT')).toBe(0);
    expect(await openPorts(ports, 1)).toEqual([]);
    expect(dev.lines.filter((line) => line.includes('exited ('))).toEqual([]);
  });
});

describe(`${DEV_NATS_REPLICAS}`, () => {
  const REPLICAS = 2;
  let dev: AppProcess;
  let ports: DevPorts;
  let nats: AppProcess | undefined;

  beforeAll(async () => {
    ports = await devPorts(REPLICAS);
    // A NATS server of our own when the machine has one, so no other run on the shared broker (the subjects are
    // the same for every system) takes our messages; otherwise the broker NATS_URL names, as CI provides.
    const natsServer = findExecutable('nats-server');
    let natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
    if (natsServer) {
      const natsPort = await freePort();
      nats = new AppProcess('nats-server', natsServer, ['-a', '127.0.0.1', '-p', String(natsPort)], process.env);
      await waitUntil(() => portOpen(natsPort), { timeoutMs: 30_000, description: () => nats!.tail() });
      natsUrl = `nats://127.0.0.1:${natsPort}`;
    }
    dev = startDev(DEV_NATS_REPLICAS, copy, devEnvironment(ports, receiver.endpoint, { NATS_URL: natsUrl }));
    await waitReady(dev, `http://127.0.0.1:${ports.GATEWAY_PORT}`);
  }, 600_000);

  afterAll(async () => {
    await dev?.interrupt('SIGTERM');
    await nats?.stop();
  });

  it('runs two processes of each service, each ready (its database and NATS reachable)', async () => {
    for (const port of [ports.USER_HTTP_PORT, ports.ORDER_HTTP_PORT]) {
      for (let replica = 0; replica < REPLICAS; replica++) {
        const url = `http://127.0.0.1:${Number(port) + 10 * replica}`;
        await waitReady(dev, url);
      }
    }
  });

  it('serves POST /orders over NATS, as one trace', async () => {
    const gateway = `http://127.0.0.1:${ports.GATEWAY_PORT}`;
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${gateway}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const created = await post('/users', { email: `grace-${Date.now()}@example.com`, name: 'Grace Hopper' });
    expect(created.status).toBe(201);
    const { id: userId } = (await created.json()) as { id: string };

    const client = newTraceparent();
    const response = await post(
      '/orders',
      { userId, items: [{ sku: 'BOOK-1', quantity: 2, unitPriceCents: 1500 }] },
      { traceparent: client.header },
    );
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ userId, totalCents: 3000 });

    const spans = await receiver.waitForTrace(client.traceId, (received) =>
      ['gateway:POST /orders', 'order:OrdersService.create', 'user:UsersService.recordOrder'].every((name) =>
        received.some((span) => `${span.service}:${span.name}` === name),
      ),
    );
    const tree = new SpanTree(spans);
    expect(tree.one('gateway', 'POST /orders', SpanKind.SERVER).parentSpanId).toBe(client.spanId);
    expect(tree.one('order', 'send order.created', SpanKind.PRODUCER).attributes['messaging.system.name']).toBe('nats');
  });

  it('stops on Ctrl-C: exit code 0, every port closed, replicas included', async () => {
    expect(await dev.interrupt('SIGINT')).toBe(0);
    expect(await openPorts(ports, REPLICAS)).toEqual([]);
  });
});
