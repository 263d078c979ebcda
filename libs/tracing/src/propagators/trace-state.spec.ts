import { Level2TraceState, MAX_TRACE_STATE_MEMBERS } from './trace-state';

describe(Level2TraceState.name, () => {
  it('parses nothing from an absent, empty or blank header', () => {
    expect(Level2TraceState.parse(undefined)).toBeUndefined();
    expect(Level2TraceState.parse('')).toBeUndefined();
    expect(Level2TraceState.parse([' ', ',\t,'])).toBeUndefined();
  });

  it('reads members by key', () => {
    const sut = Level2TraceState.parse('foo=1,tenant@vendor=a b')!;

    expect([sut.get('foo'), sut.get('tenant@vendor'), sut.get('bar')]).toEqual(['1', 'a b', undefined]);
  });

  it('puts a set key first, moving an existing one, and leaves the original unchanged', () => {
    const sut = Level2TraceState.parse('foo=1,bar=2')!;

    expect(sut.set('bar', '3').serialize()).toBe('bar=3,foo=1');
    expect(sut.set('new@x', '4').serialize()).toBe('new@x=4,foo=1,bar=2');
    expect(sut.serialize()).toBe('foo=1,bar=2');
  });

  it('ignores an invalid member and makes room at the member limit by dropping the oldest', () => {
    const full = Level2TraceState.parse(
      Array.from({ length: MAX_TRACE_STATE_MEMBERS }, (_, index) => `k${index}=${index}`).join(','),
    )!;
    const sut = Level2TraceState.empty().set('ok', '1');

    expect(sut.set('Bad', '1')).toBe(sut);
    expect(sut.set('ok', 'a,b')).toBe(sut);
    const added = full.set('new', 'x').serialize().split(',');
    expect(added).toHaveLength(MAX_TRACE_STATE_MEMBERS);
    expect([added[0], added.at(-1)]).toEqual([
      'new=x',
      `k${MAX_TRACE_STATE_MEMBERS - 2}=${MAX_TRACE_STATE_MEMBERS - 2}`,
    ]);
  });

  it('unsets a key, and returns itself for an absent one', () => {
    const sut = Level2TraceState.parse('foo=1,bar=2')!;

    expect(sut.unset('foo').serialize()).toBe('bar=2');
    expect(sut.unset('baz')).toBe(sut);
  });
});
