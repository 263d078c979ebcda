import { type DevSpan, formatTrace } from './trace-tree';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const MS = 1_000_000n;

/** A span of TRACE_ID starting `start` ms into the trace and lasting `duration` ms. */
function span(
  spanId: string,
  parentSpanId: string | undefined,
  start: number,
  duration: number,
  more: Partial<DevSpan> = {},
): DevSpan {
  return {
    traceId: TRACE_ID,
    spanId,
    parentSpanId,
    service: 'gateway',
    name: spanId,
    kind: 1,
    startNs: 1_700_000_000_000n * MS + BigInt(start) * MS,
    endNs: 1_700_000_000_000n * MS + BigInt(start + duration) * MS,
    attributes: {},
    ...more,
  };
}

/** The span lines (the header dropped), each as its tree prefix and its span's name. */
function outline(text: string): string[] {
  return text
    .split('\n')
    .slice(1)
    .map((line) => /^([│├└─ ]*)\S+ {2}(\S+)/.exec(line)?.slice(1, 3).join('') ?? line);
}

describe(formatTrace.name, () => {
  const order = [
    span('root', undefined, 0, 90, {
      service: 'gateway',
      name: 'POST /orders',
      kind: 2,
      attributes: { 'http.route': '/orders', 'http.response.status_code': 201 },
    }),
    span('rpc', 'root', 5, 60, {
      service: 'gateway',
      name: 'order.create',
      kind: 3,
      attributes: { 'rpc.method': 'order.create' },
    }),
    span('handler', 'rpc', 10, 50, { service: 'order', name: 'OrdersService.create', kind: 2 }),
    span('query', 'handler', 20, 4, {
      service: 'order',
      name: 'prisma:client:db_query',
      kind: 3,
      attributes: {
        'db.query.text':
          'INSERT INTO "public"."Order"\n   ("id", "userId", "status", "totalCents", "createdAt") VALUES ($1,$2,$3,$4,$5)',
      },
    }),
    span('user', 'handler', 12, 6, { service: 'user', name: 'UsersService.recordOrder', kind: 2 }),
    span('publish', 'root', 70, 3, {
      service: 'order',
      name: 'send order.created',
      kind: 4,
      attributes: { 'messaging.destination.name': 'order.created' },
    }),
  ];

  it('nests each span under its parent, children in start order, as Jaeger lays them out', () => {
    expect(outline(formatTrace(order))).toEqual([
      'POST',
      '├─ order.create',
      '│  └─ OrdersService.create',
      '│     ├─ UsersService.recordOrder',
      '│     └─ prisma:client:db_query',
      '└─ send',
    ]);
  });

  it('lays out the same tree whatever order the spans arrived in', () => {
    expect(formatTrace([...order].reverse())).toBe(formatTrace(order));
    expect(formatTrace([order[3], order[0], order[5], order[1], order[4], order[2]])).toBe(formatTrace(order));
  });

  it('heads the tree with the trace id, root name, total duration, status and span count', () => {
    expect(formatTrace(order).split('\n')[0]).toBe(`trace ${TRACE_ID}  POST /orders  90.0 ms  OK  (6 spans)`);
  });

  it('gives service, name, kind, duration and the attributes that matter, without repeating the name', () => {
    const lines = formatTrace(order).split('\n');
    expect(lines[1]).toBe('gateway  POST /orders  server  90.0 ms  status=201');
    expect(lines[2]).toBe('├─ gateway  order.create  client  60.0 ms');
    expect(lines[5]).toBe(
      '│     └─ order  prisma:client:db_query  client  4.0 ms  db: INSERT INTO "public"."Order" ("id", "use…',
    );
    expect(lines[6]).toBe('└─ order  send order.created  producer  3.0 ms');
  });

  it('shows a span whose parent never arrived at the root, marked, after the trace root', () => {
    const lost = span('lost', 'never-came', 30, 2, { service: 'user', name: 'UsersService.findOne' });
    const lines = formatTrace([lost, ...order]).split('\n');
    expect(lines[1]).toMatch(/^gateway {2}POST \/orders/);
    expect(lines.at(-1)).toBe('user  UsersService.findOne  internal  2.0 ms  [parent never-came not received]');
  });

  it("does not mark the entry span whose parent is the caller's (a traceparent from curl)", () => {
    const entry = { ...order[0], parentSpanId: '00f067aa0ba902b7' };
    expect(formatTrace([entry, ...order.slice(1)]).split('\n')[1]).toBe(
      'gateway  POST /orders  server  90.0 ms  status=201',
    );
  });

  it('marks failed spans with their message, and counts them in the header', () => {
    const failed = span('user', 'handler', 12, 6, {
      service: 'user',
      name: 'UsersService.recordOrder',
      error: 'user 5b0e does not exist',
    });
    const text = formatTrace([...order.filter((s) => s.spanId !== 'user'), failed]);
    expect(text.split('\n')[0]).toMatch(/ OK {2}\(6 spans, 1 with errors\)$/);
    expect(text).toContain(
      '│     ├─ ✗ user  UsersService.recordOrder  internal  6.0 ms  error: user 5b0e does not exist',
    );
  });

  it('says ERROR in the header when the root failed', () => {
    const text = formatTrace([{ ...order[0], error: '' }, ...order.slice(1)]);
    expect(text.split('\n')[0]).toContain('  ERROR  ');
    expect(text.split('\n')[1]).toBe('✗ gateway  POST /orders  server  90.0 ms  status=201  error: (no message)');
  });

  it('colours errors only when asked (a terminal), and keeps the text otherwise', () => {
    const failed = [{ ...order[0], error: 'boom' }];
    expect(formatTrace(failed, { color: true })).toContain('\u001b[31m✗ gateway');
    expect(formatTrace(failed)).not.toContain('\u001b[');
  });

  it('cuts a long trace to maxSpans lines and says how many were left out', () => {
    const many = [
      span('root', undefined, 0, 500),
      ...Array.from({ length: 99 }, (_, i) => span(`child-${i}`, 'root', i + 1, 1)),
    ];
    const lines = formatTrace(many, { maxSpans: 10, droppedSpans: 3 }).split('\n');
    expect(lines).toHaveLength(12);
    expect(lines[0]).toMatch(/\(100 spans, 3 dropped\)$/);
    expect(lines[10]).toBe('├─ gateway  child-8  internal  1.0 ms');
    expect(lines[11]).toBe('… 90 more spans not shown');
  });

  it('still shows the failed spans that the cut left out', () => {
    const many = [
      span('root', undefined, 0, 500),
      ...Array.from({ length: 20 }, (_, i) => span(`child-${i}`, 'root', i + 1, 1)),
      span('late', 'root', 100, 1, { name: 'late-failure', error: 'timed out' }),
    ];
    const lines = formatTrace(many, { maxSpans: 5 }).split('\n');
    expect(lines.slice(6)).toEqual([
      '… 17 more spans not shown; the failed ones:',
      '└─ ✗ gateway  late-failure  internal  1.0 ms  error: timed out',
    ]);
  });

  it('counts a span sent twice (an exporter retry) once', () => {
    expect(formatTrace([...order, order[1]])).toBe(formatTrace(order));
  });

  it('still shows spans whose parent ids form a cycle', () => {
    const text = formatTrace([span('a', 'b', 0, 1), span('b', 'a', 1, 1)]);
    expect(outline(text)).toEqual(['a', '└─ b']);
  });
});
