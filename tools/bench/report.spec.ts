import {
  type AppSample,
  fixed,
  type LoadSample,
  loadTable,
  markdownReport,
  markdownTable,
  median,
  mediansBy,
  microTable,
  ratio,
  targetTable,
  times,
  verdict,
} from './report';

describe('median', () => {
  it('takes the middle value of an odd count, whatever the order', () => {
    expect(median([9, 1, 5])).toBe(5);
  });

  it('averages the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('is NaN for no values, so a missing measurement never reads as 0', () => {
    expect(median([])).toBeNaN();
  });

  it('leaves its input unsorted', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('ratio', () => {
  it('divides by the base', () => {
    expect(ratio(90, 100)).toBeCloseTo(0.9);
  });

  it.each([0, NaN, Infinity])('is NaN for a base of %p', (base) => {
    expect(ratio(1, base)).toBeNaN();
  });
});

describe('mediansBy', () => {
  it('groups rows by key and takes the median of each field, keeping first-seen order', () => {
    const rows = [
      { mode: 'on', rps: 10, ms: 3 },
      { mode: 'off', rps: 20, ms: 1 },
      { mode: 'on', rps: 30, ms: 5 },
      { mode: 'on', rps: 20, ms: 4 },
    ];

    const groups = mediansBy(rows, (row) => row.mode, ['rps', 'ms'] as const);

    expect(groups).toEqual([
      { key: 'on', first: rows[0], medians: { rps: 20, ms: 4 } },
      { key: 'off', first: rows[1], medians: { rps: 20, ms: 1 } },
    ]);
  });
});

describe('formatting', () => {
  it('prints numbers with fixed decimals and n/a for NaN', () => {
    expect([fixed(1.234, 1), fixed(NaN, 2)]).toEqual(['1.2', 'n/a']);
  });

  it('prints ratios with a times sign', () => {
    expect([times(0.912), times(NaN)]).toEqual(['0.91×', 'n/a']);
  });

  it('writes a markdown table and escapes pipes in cells', () => {
    expect(markdownTable(['a', 'b'], [['1', 'x|y']])).toBe('| a | b |\n| --- | --- |\n| 1 | x\\|y |');
  });

  it('refuses a row whose cell count differs from the headers', () => {
    expect(() => markdownTable(['a', 'b'], [['1']])).toThrow('a row has 1 cells for 2 headers');
  });
});

describe('verdict', () => {
  it.each([
    [0.95, 0.9, 'at least', 'met'],
    [0.85, 0.9, 'at least', 'missed'],
    [1.1, 1.15, 'at most', 'met'],
    [1.2, 1.15, 'at most', 'missed'],
    [NaN, 1.15, 'at most', 'n/a'],
  ] as const)('%p against %p (%s) is %s', (measured, target, direction, expected) => {
    expect(verdict(measured, target, direction)).toBe(expected);
  });
});

function load(mode: string, endpoint: string, requestsPerSecond: number, round = 1): LoadSample {
  return {
    round,
    mode,
    endpoint,
    requestsPerSecond,
    p50Ms: 2,
    p99Ms: 9,
    maxMs: 20,
    responses: 1000,
    non2xx: 0,
    errors: 0,
    cpuSecondsPer1000: requestsPerSecond / 100,
  };
}

function app(mode: string, name: string, readyMs: number, peakRssMb = 100): AppSample {
  return { round: 1, mode, app: name, readyMs, peakRssMb, rssGrowthMb: 0 };
}

describe(loadTable.name, () => {
  it('shows each mode as the median over its rounds, with its ratio to `off` of the same endpoint', () => {
    const table = loadTable([
      load('off', 'GET /x', 100, 1),
      load('off', 'GET /x', 300, 2),
      load('off', 'GET /x', 200, 3),
      load('on', 'GET /x', 150, 1),
      load('on', 'GET /x', 190, 2),
      load('on', 'GET /x', 180, 3),
    ]);

    expect(table.split('\n')).toEqual([
      '| endpoint | mode | req/s | vs off | p50 ms | p99 ms | max ms | CPU s / 1000 req | vs off |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      '| GET /x | off | 200 | 1.00× | 2.0 | 9.0 | 20.0 | 2.00 | 1.00× |',
      '| GET /x | on | 180 | 0.90× | 2.0 | 9.0 | 20.0 | 1.80 | 0.90× |',
    ]);
  });
});

describe(microTable.name, () => {
  it('compares each variant with its baseline and shows a decimal below 10 ns', () => {
    const table = microTable([
      { group: 'sync', name: 'no tracing', nsPerOp: 0.34 },
      { group: 'sync', name: 'bare startActiveSpan', nsPerOp: 3400, baseline: 'no tracing' },
      { group: 'TCP message', name: 'traced envelope', nsPerOp: 6359.4, note: '316 bytes' },
    ]);

    expect(table.split('\n').slice(2)).toEqual([
      '| sync | no tracing | 0.3 |  |  |',
      '| sync | bare startActiveSpan | 3400 | 10000.00× no tracing |  |',
      '| TCP message | traced envelope | 6359 |  | 316 bytes |',
    ]);
  });
});

describe(targetTable.name, () => {
  const apps = ['gateway', 'user', 'order'].flatMap((name) => [app('off', name, 1000), app('on', name, 1400)]);

  it('judges throughput by the worse endpoint and cold start by all apps together', () => {
    const table = targetTable({
      machine: '',
      settings: '',
      load: [load('off', 'A', 100), load('on', 'A', 95), load('off', 'B', 100), load('on', 'B', 80)],
      apps,
      micro: [],
    });

    expect(table).toContain('| `on` throughput vs `off` (worse endpoint) | 0.80× | at least 0.90× | missed |');
    expect(table).toContain('| cold start, all apps, `on` vs `off` | 1.40× | at most 1.25× | missed |');
    expect(table).toContain('| `sampled` throughput vs `off` (worse endpoint) | n/a | at least 0.95× | n/a |');
  });

  it('compares @Traced() with the bare span of the sync micro-benchmark', () => {
    const table = targetTable({
      machine: '',
      settings: '',
      load: [],
      apps: [],
      micro: [
        { group: '@Traced() sync', name: 'bare startActiveSpan', nsPerOp: 1000 },
        { group: '@Traced() sync', name: '@Traced()', nsPerOp: 1100 },
      ],
    });

    expect(table).toContain('| `@Traced()` vs bare `startActiveSpan` (sync) | 1.10× | at most 1.10× | met |');
  });
});

describe(markdownReport.name, () => {
  it('puts the machine and settings above the tables and says when micro-benchmarks did not run', () => {
    const report = markdownReport({ machine: 'On a test box.', settings: 'TCP.', load: [], apps: [], micro: [] });

    expect(report).toMatch(/^# Benchmark results\n\nOn a test box\.\n\nTCP\.\n/);
    expect(report).toContain('## Micro-benchmarks\n\n(not run)');
  });

  it('ends with the hand-written findings when there are some', () => {
    const empty = { machine: 'M.', settings: 'S.', load: [], apps: [], micro: [] };

    expect(markdownReport(empty, '## Findings\n\nSpans cost.\n')).toMatch(
      /## Targets\n[\s\S]*\n## Findings\n\nSpans cost\.\n$/,
    );
    expect(markdownReport(empty)).not.toContain('## Findings');
  });
});
