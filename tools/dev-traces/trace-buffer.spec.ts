import { TraceBuffer } from './trace-buffer';

const span = (traceId: string, name = 'span') => ({ traceId, name });

describe(TraceBuffer.name, () => {
  const limits = { quietMs: 1500, maxTraces: 2, maxSpansPerTrace: 3 };

  it('hands a trace over once no span of it arrived for quietMs, and only then', () => {
    const sut = new TraceBuffer(limits);
    sut.add([span('a', 'first')], 0);
    sut.add([span('a', 'second')], 1000);
    expect(sut.takeQuiet(2000)).toEqual([]);
    expect(sut.takeQuiet(2500)).toEqual([
      { traceId: 'a', spans: [span('a', 'first'), span('a', 'second')], droppedSpans: 0 },
    ]);
    expect(sut.takeQuiet(10_000)).toEqual([]);
  });

  it('keeps at most maxSpansPerTrace spans of a trace and counts the rest', () => {
    const sut = new TraceBuffer(limits);
    sut.add([span('a'), span('a'), span('a'), span('a'), span('a')], 0);
    const [trace] = sut.takeQuiet(Infinity);
    expect(trace.spans).toHaveLength(3);
    expect(trace.droppedSpans).toBe(2);
  });

  it('drops and counts the spans of new traces while maxTraces are in progress, and takes new ones again after', () => {
    const sut = new TraceBuffer(limits);
    sut.add([span('a'), span('b'), span('c'), span('c')], 0);
    expect(sut.droppedSpans).toBe(2);
    sut.add([span('a')], 1000);
    expect(sut.takeQuiet(2000).map((trace) => trace.traceId)).toEqual(['b']);
    sut.add([span('c')], 2000);
    expect(sut.takeQuiet(Infinity).map((trace) => [trace.traceId, trace.spans.length])).toEqual([
      ['a', 2],
      ['c', 1],
    ]);
    expect(sut.droppedSpans).toBe(2);
  });
});
