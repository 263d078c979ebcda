// `npm run dev` exactly as the README says, with no OTLP endpoint set: the runner receives the spans itself and prints
// each trace as a tree (tools/dev-traces). After the README's two "Try it" requests, the printed tree of POST /orders
// must show the README's trace id, the hops in parent order, a database span and the order.created consumer.
import { AppProcess } from './support/app-process';
import {
  CREATE_ORDER,
  CREATE_USER,
  DEV,
  README_TRACE_ID,
  asRun,
  devEnvironment,
  devPorts,
  startDev,
  waitReady,
} from './support/dev-run';
import { type RepoCopy, copyRepo } from './support/repo-copy';
import { mustRun } from './support/run';
import { waitUntil } from './support/wait';

jest.setTimeout(600_000);

interface TreeRow {
  depth: number;
  service: string;
  name: string;
  kind: string;
  text: string;
  parent?: TreeRow;
}

/** A span line of the printed tree: `├─ order  OrdersService.create  internal  12.3 ms  …`, 3 columns per level. */
const SPAN_LINE = /^([│├└─ ]*)(?:✗ )?(\S+) {2}(.+?) {2}(internal|server|client|producer|consumer) {2}\d+\.\d ms/;

/** The rows of the tree printed under the header line of `traceId`, each linked to its parent by indentation. */
function printedTree(lines: string[], traceId: string): { header: string; rows: TreeRow[] } | undefined {
  const start = lines.findIndex((line) => line.startsWith(`trace ${traceId} `));
  if (start < 0) return undefined;
  const rows: TreeRow[] = [];
  const path: TreeRow[] = [];
  for (const line of lines.slice(start + 1)) {
    const match = SPAN_LINE.exec(line);
    if (!match) break;
    const depth = match[1].length / 3;
    const row: TreeRow = {
      depth,
      service: match[2],
      name: match[3],
      kind: match[4],
      text: line,
      parent: path[depth - 1],
    };
    path[depth] = row;
    path.length = depth + 1;
    rows.push(row);
  }
  return { header: lines[start], rows };
}

function ancestors(row: TreeRow): TreeRow[] {
  return row.parent ? [row.parent, ...ancestors(row.parent)] : [];
}

let copy: RepoCopy;
let dev: AppProcess;

beforeAll(async () => {
  copy = copyRepo({ generated: true });
  const ports = await devPorts(1);
  dev = startDev(DEV, copy, devEnvironment(ports, undefined));
  await waitReady(dev, `http://127.0.0.1:${ports.GATEWAY_PORT}`);
  const gatewayPort = Number(ports.GATEWAY_PORT);
  const user = JSON.parse(await mustRun('bash', ['-c', asRun(CREATE_USER, gatewayPort)])) as { id: string };
  await mustRun('bash', ['-c', asRun(CREATE_ORDER, gatewayPort, user.id)]);
}, 600_000);

afterAll(async () => {
  await dev?.interrupt('SIGINT');
  copy?.remove();
});

it('prints the tree of POST /orders once the trace is complete', async () => {
  await waitUntil(() => printedTree(dev.lines, README_TRACE_ID) !== undefined, {
    timeoutMs: 20_000,
    description: () => `no tree for trace ${README_TRACE_ID}; output:\n${dev.tail(80)}`,
  });
  const { header, rows } = printedTree(dev.lines, README_TRACE_ID)!;
  const tree = [header, ...rows.map((row) => row.text)].join('\n');

  expect(header).toMatch(
    new RegExp(`^trace ${README_TRACE_ID} {2}POST /orders {2}\\d+\\.\\d ms {2}OK {2}\\(\\d+ spans\\)$`),
  );
  const [root] = rows;
  expect(root).toMatchObject({ depth: 0, service: 'gateway', name: 'POST /orders', kind: 'server' });
  expect(root.text).toContain('status=201');

  const find = (predicate: (row: TreeRow) => boolean, what: string) => {
    const row = rows.find(predicate);
    if (!row) throw new Error(`no ${what} in the printed tree:\n${tree}`);
    return row;
  };
  // gateway → order → user, each under the one before it.
  const orderHandler = find((row) => row.service === 'order' && row.name === 'OrdersService.create', 'order span');
  const userHandler = find((row) => row.service === 'user' && row.name === 'UsersService.recordOrder', 'user span');
  expect(ancestors(orderHandler)).toContain(root);
  expect(ancestors(userHandler)).toContain(orderHandler);
  const query = find((row) => row.service === 'order' && row.text.includes('  db: '), 'database span');
  expect(ancestors(query)).toContain(orderHandler);
  const producer = find((row) => row.kind === 'producer' && row.name.includes('order.created'), 'producer');
  const consumer = find((row) => row.kind === 'consumer' && row.name.includes('order.created'), 'consumer');
  expect(ancestors(consumer)).toContain(producer);
  expect(ancestors(producer)).toContain(root);
  expect(tree).not.toContain('not received');
});

it('prints no tree for health probes (the test polled /health/ready until the system was up)', () => {
  expect(dev.lines.filter((line) => /^trace [0-9a-f]{32} {2}\S+ \/(health|metrics)/.test(line))).toEqual([]);
});

it('stops on Ctrl-C with exit code 0, the receiver with it', async () => {
  expect(await dev.interrupt('SIGINT')).toBe(0);
});
