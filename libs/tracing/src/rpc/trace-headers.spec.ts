import {
  type Context,
  ROOT_CONTEXT,
  TraceFlags,
  context,
  createTraceState,
  propagation,
  trace,
} from '@opentelemetry/api';
import { useTestTracing } from '../testing/test-tracing';
import { extractTraceContext, injectTraceHeaders, sanitizeTraceHeaders } from './trace-headers';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';
const TRACEPARENT = `00-${TRACE_ID}-${SPAN_ID}-01`;

/** A context as a caller would have it: a sampled span with vendor trace state, and baggage. */
function callerContext(): Context {
  const withSpan = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    traceFlags: TraceFlags.SAMPLED,
    traceState: createTraceState('vendor=opaque,other=1'),
  });
  const baggage = propagation.createBaggage({ 'tenant.id': { value: 'acme' }, 'user.tier': { value: 'gold' } });
  return propagation.setBaggage(withSpan, baggage);
}

const baggageOf = (ctx: Context): Record<string, string> =>
  Object.fromEntries(
    propagation
      .getBaggage(ctx)
      ?.getAllEntries()
      .map(([key, { value }]) => [key, value]) ?? [],
  );

describe('trace headers', () => {
  useTestTracing(); // the globally registered W3C propagators are what the functions use

  describe(injectTraceHeaders.name, () => {
    it('writes traceparent, tracestate and baggage for the given context', () => {
      const sut = injectTraceHeaders;

      const headers = sut(callerContext());

      expect(headers).toEqual({
        traceparent: TRACEPARENT,
        tracestate: 'vendor=opaque,other=1',
        baggage: 'tenant.id=acme,user.tier=gold',
      });
    });

    it('uses the active context by default', () => {
      const sut = injectTraceHeaders;

      const headers = context.with(callerContext(), () => sut());

      expect(headers.traceparent).toBe(TRACEPARENT);
    });

    it('writes nothing when there is no span or baggage', () => {
      const sut = injectTraceHeaders;

      expect(sut(ROOT_CONTEXT)).toEqual({});
    });
  });

  describe(extractTraceContext.name, () => {
    it('restores what injectTraceHeaders wrote, as a remote parent', () => {
      const sut = extractTraceContext;

      const extracted = sut(injectTraceHeaders(callerContext()));

      const spanContext = trace.getSpanContext(extracted);
      expect(spanContext).toMatchObject({
        traceId: TRACE_ID,
        spanId: SPAN_ID,
        traceFlags: TraceFlags.SAMPLED,
        isRemote: true,
      });
      expect(spanContext?.traceState?.serialize()).toBe('vendor=opaque,other=1');
      expect(baggageOf(extracted)).toEqual({ 'tenant.id': 'acme', 'user.tier': 'gold' });
    });

    it.each([
      ['garbage', 'garbage'],
      ['an all-zero trace id', `00-${'0'.repeat(32)}-${SPAN_ID}-01`],
      ['an all-zero span id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
      ['the forbidden version ff', `ff-${TRACE_ID}-${SPAN_ID}-01`],
      ['upper-case hex', `00-${TRACE_ID.toUpperCase()}-${SPAN_ID.toUpperCase()}-01`],
      ['a truncated span id', `00-${TRACE_ID}-${SPAN_ID.slice(1)}-01`],
      ['an empty string', ''],
    ])('ignores a traceparent with %s, so the message starts a new trace', (_case, traceparent) => {
      const sut = extractTraceContext;

      const extracted = sut({ traceparent, tracestate: 'vendor=opaque' });

      expect(trace.getSpanContext(extracted)).toBeUndefined();
    });

    it('keeps the baggage when only the traceparent is malformed', () => {
      const sut = extractTraceContext;

      const extracted = sut({ traceparent: 'garbage', baggage: 'tenant.id=acme' });

      expect(trace.getSpanContext(extracted)).toBeUndefined();
      expect(baggageOf(extracted)).toEqual({ 'tenant.id': 'acme' });
    });

    it.each([
      ['null', null],
      ['undefined', undefined],
      ['a string', TRACEPARENT],
      ['an array', [TRACEPARENT]],
      ['an array of entries', [['traceparent', TRACEPARENT]]],
      ['a number', 42],
      ['a boolean', true],
    ])('returns the root context for %s, without throwing', (_case, carrier) => {
      const sut = extractTraceContext;

      expect(sut(carrier)).toBe(ROOT_CONTEXT);
    });

    it.each([
      ['Buffers', { traceparent: Buffer.from(TRACEPARENT), baggage: Buffer.from('tenant.id=acme') }],
      ['one-element arrays', { traceparent: [TRACEPARENT], baggage: ['tenant.id=acme'] }],
      ['one-element arrays of Buffers', { traceparent: [Buffer.from(TRACEPARENT)], baggage: 'tenant.id=acme' }],
    ])('accepts values given as %s, as brokers deliver them', (_case, carrier) => {
      const sut = extractTraceContext;

      const extracted = sut(carrier);

      expect(trace.getSpanContext(extracted)).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID });
      expect(baggageOf(extracted)).toEqual({ 'tenant.id': 'acme' });
    });

    it('ignores a deeply nested array without overflowing the stack', () => {
      const sut = extractTraceContext;
      const depth = 100_000;
      const nested: unknown = JSON.parse(`${'['.repeat(depth)}"${TRACEPARENT}"${']'.repeat(depth)}`);

      expect(sut({ traceparent: nested })).toBe(ROOT_CONTEXT);
    });

    it('ignores a traceparent given as an array of several values', () => {
      const sut = extractTraceContext;

      const extracted = sut({ traceparent: [TRACEPARENT, `00-${'1'.repeat(32)}-${SPAN_ID}-01`] });

      expect(trace.getSpanContext(extracted)).toBeUndefined();
    });

    it('reads header names case-insensitively', () => {
      const sut = extractTraceContext;

      const extracted = sut({ TraceParent: TRACEPARENT, TRACESTATE: 'vendor=opaque', Baggage: 'tenant.id=acme' });

      const spanContext = trace.getSpanContext(extracted);
      expect(spanContext).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID });
      expect(spanContext?.traceState?.get('vendor')).toBe('opaque');
      expect(baggageOf(extracted)).toEqual({ 'tenant.id': 'acme' });
    });

    it('drops an oversized baggage header but keeps the trace', () => {
      const sut = extractTraceContext;

      const extracted = sut({ traceparent: TRACEPARENT, baggage: `big=${'x'.repeat(8192)}` });

      expect(trace.getSpanContext(extracted)?.traceId).toBe(TRACE_ID);
      expect(propagation.getBaggage(extracted)).toBeUndefined();
    });
  });

  describe(sanitizeTraceHeaders.name, () => {
    it('keeps string entries, with lower-cased names', () => {
      const sut = sanitizeTraceHeaders;

      expect(sut({ TraceParent: TRACEPARENT, baggage: 'a=1' })).toEqual({ traceparent: TRACEPARENT, baggage: 'a=1' });
    });

    it('converts Buffers and one-element arrays to strings', () => {
      const sut = sanitizeTraceHeaders;

      expect(
        sut({ traceparent: Buffer.from(TRACEPARENT), baggage: ['a=1'], tracestate: [Buffer.from('v=1')] }),
      ).toEqual({ traceparent: TRACEPARENT, baggage: 'a=1', tracestate: 'v=1' });
    });

    it('drops values that are not strings, Buffers or one-element arrays', () => {
      const sut = sanitizeTraceHeaders;

      const clean = sut({
        number: 1,
        object: { traceparent: TRACEPARENT },
        empty: [],
        several: ['a', 'b'],
        nested: [['a']],
        nothing: null,
        kept: 'yes',
      });

      expect(clean).toEqual({ kept: 'yes' });
    });

    it('drops values longer than 8 KiB and keeps those of exactly 8 KiB', () => {
      const sut = sanitizeTraceHeaders;
      const limit = 'x'.repeat(8192);

      const clean = sut({ tracestate: limit, baggage: `${limit}y`, traceparent: Buffer.from(`${limit}y`) });

      expect(clean).toEqual({ tracestate: limit });
    });

    it('keeps at most 8 entries', () => {
      const sut = sanitizeTraceHeaders;
      const many = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`h${i}`, `v${i}`]));

      const clean = sut(many);

      expect(Object.keys(clean)).toEqual(['h0', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7']);
    });

    it.each([
      ['null', null],
      ['a string', 'traceparent'],
      ['an array', [TRACEPARENT]],
      ['a number', 7],
    ])('returns an empty object for %s', (_case, carrier) => {
      const sut = sanitizeTraceHeaders;

      expect(sut(carrier)).toEqual({});
    });

    it('returns a fresh object, not the carrier', () => {
      const sut = sanitizeTraceHeaders;
      const carrier = { traceparent: TRACEPARENT };

      const clean = sut(carrier);

      expect(clean).toEqual(carrier);
      expect(clean).not.toBe(carrier);
    });
  });
});
