import {
  type Context,
  ROOT_CONTEXT,
  type TextMapGetter,
  TraceFlags,
  defaultTextMapSetter,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { W3CTraceContextLevel2Propagator } from './w3c-trace-context-level2';

// The trace and parent ids of the W3C test suite (w3c/trace-context test/test.py).
const TRACE_ID = '12345678901234567890123456789012';
const PARENT_ID = '1234567890123456';
const traceparent = (flags: string) => `00-${TRACE_ID}-${PARENT_ID}-${flags}`;

/** Headers as Node hands them over: lower-case names, and a header sent several times as an array. */
type Headers = Record<string, string | string[]>;
const getter: TextMapGetter<Headers> = { keys: (carrier) => Object.keys(carrier), get: (carrier, key) => carrier[key] };

const tracer = new TracerProvider().getTracer('w3c-trace-context-level2.spec');

/**
 * What a service of the W3C harness does with a request: extract its headers, start a span of its own as the SDK
 * does (its flags come from the sampler), and inject that span into the call it makes.
 */
function forward(sut: W3CTraceContextPropagator, incoming: Headers): Record<string, string> {
  const extracted = sut.extract(ROOT_CONTEXT, incoming, getter);
  return injectFrom(sut, trace.setSpan(extracted, tracer.startSpan('service', {}, extracted)));
}

function injectFrom(sut: W3CTraceContextPropagator, context: Context): Record<string, string> {
  const outgoing: Record<string, string> = {};
  sut.inject(context, outgoing, defaultTextMapSetter);
  return outgoing;
}

const flagsOf = (header: string | undefined) => header?.split('-')[3];

const members = (count: number) =>
  Array.from({ length: count }, (_, index) => `bar${String(index + 1).padStart(2, '0')}=${index + 1}`).join(',');

describe(W3CTraceContextLevel2Propagator.name, () => {
  const sut = new W3CTraceContextLevel2Propagator();

  describe('the normal path', () => {
    it('continues the trace under a new parent id and passes tracestate on', () => {
      const outgoing = forward(sut, { traceparent: traceparent('01'), tracestate: 'foo=1,bar=2' });

      const [version, traceId, parentId, flags] = outgoing.traceparent.split('-');
      expect([version, traceId, flags]).toEqual(['00', TRACE_ID, '01']);
      expect(parentId).toMatch(/^[0-9a-f]{16}$/);
      expect(parentId).not.toBe(PARENT_ID);
      expect(outgoing.tracestate).toBe('foo=1,bar=2');
    });

    it('combines several tracestate headers in order, with optional whitespace and empty members', () => {
      const outgoing = forward(sut, {
        traceparent: traceparent('00'),
        tracestate: ['foo=1 \t , \t bar=2', '', 'rojo=1,,congo=2'],
      });

      expect(outgoing.tracestate).toBe('foo=1,bar=2,rojo=1,congo=2');
    });

    it('starts a new trace, without the tracestate, when the traceparent is invalid', () => {
      const outgoing = forward(sut, { traceparent: `00-${'0'.repeat(32)}-${PARENT_ID}-01`, tracestate: 'foo=1' });

      expect(outgoing.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[0-3]$/);
      expect(outgoing.traceparent).not.toContain('0'.repeat(32));
      expect(outgoing).not.toHaveProperty('tracestate');
    });

    it('lists the same fields as the stock propagator', () => {
      expect(sut.fields()).toEqual(new W3CTraceContextPropagator().fields());
    });
  });

  describe('the random-trace-id flag', () => {
    it('keeps the flag set when the caller set it, where the stock propagator drops it', () => {
      const incoming = { traceparent: traceparent('02') };

      expect(flagsOf(forward(new W3CTraceContextPropagator(), incoming).traceparent)).toBe('00');
      expect(flagsOf(forward(sut, incoming).traceparent)).toBe('02');
      expect(flagsOf(forward(sut, { traceparent: traceparent('03') }).traceparent)).toBe('03');
    });

    it('keeps it unset when the caller left it unset', () => {
      expect(flagsOf(forward(sut, { traceparent: traceparent('01') }).traceparent)).toBe('01');
      expect(flagsOf(forward(sut, { traceparent: traceparent('00') }).traceparent)).toBe('00');
    });

    it('sets it on a trace this process starts with random trace ids, unless told they are not', () => {
      const root = trace.setSpan(ROOT_CONTEXT, tracer.startSpan('root'));

      expect(flagsOf(injectFrom(sut, root).traceparent)).toBe('03');
      const notRandom = new W3CTraceContextLevel2Propagator({ localTraceIdsAreRandom: false });
      expect(flagsOf(injectFrom(notRandom, root).traceparent)).toBe('01');
    });

    it('passes a remote context on with its own flags, never the reserved bits', () => {
      const extracted = sut.extract(ROOT_CONTEXT, { traceparent: traceparent('ff') }, getter);
      const unmarked = trace.setSpanContext(ROOT_CONTEXT, {
        traceId: TRACE_ID,
        spanId: PARENT_ID,
        traceFlags: TraceFlags.SAMPLED,
        isRemote: true,
      });

      expect(flagsOf(injectFrom(sut, extracted).traceparent)).toBe('03');
      expect(flagsOf(injectFrom(sut, unmarked).traceparent)).toBe('01');
    });
  });

  describe('the tracestate key grammar of Level 2', () => {
    it.each([['foo@=1,bar=2'], ['foo@@bar=1,bar=2'], ['foo@bar@baz=1,bar=2'], ['0foo=1,bar=2']])(
      'keeps %s, which the stock propagator cuts down',
      (tracestate) => {
        const incoming = { traceparent: traceparent('00'), tracestate };

        expect(forward(new W3CTraceContextPropagator(), incoming).tracestate).not.toBe(tracestate);
        expect(forward(sut, incoming).tracestate).toBe(tracestate);
      },
    );

    it.each([['@foo=1,bar=2'], ['foo =1,bar=2'], ['FOO=1,bar=2'], ['foo.bar=1,bar=2'], ['bar=2,foo']])(
      'discards all of %s, keeping the traceparent',
      (tracestate) => {
        const outgoing = forward(sut, { traceparent: traceparent('00'), tracestate });

        expect(outgoing.traceparent).toContain(TRACE_ID);
        expect(outgoing).not.toHaveProperty('tracestate');
      },
    );

    it('discards a tracestate that repeats a key', () => {
      expect(forward(sut, { traceparent: traceparent('00'), tracestate: ['foo=1', 'foo=2'] })).not.toHaveProperty(
        'tracestate',
      );
    });
  });

  describe('the tracestate key length limit', () => {
    it.each([
      ['256 characters', 'z'.repeat(256)],
      ['241 and 14 characters around an @', `${'t'.repeat(241)}@${'v'.repeat(14)}`],
      ['242 characters before an @', `${'t'.repeat(242)}@v`],
      ['15 characters after an @', `t@${'v'.repeat(15)}`],
    ])('keeps a key of %s', (_case, key) => {
      expect(forward(sut, { traceparent: traceparent('00'), tracestate: ['foo=1', `${key}=1`] }).tracestate).toBe(
        `foo=1,${key}=1`,
      );
    });

    it('discards all the tracestate for a key of 257 characters, where the stock propagator keeps the others', () => {
      const incoming = { traceparent: traceparent('00'), tracestate: ['foo=1', `${'z'.repeat(257)}=1`] };

      expect(forward(new W3CTraceContextPropagator(), incoming).tracestate).toBe('foo=1');
      expect(forward(sut, incoming)).not.toHaveProperty('tracestate');
    });
  });

  describe('the tracestate member count limit', () => {
    it('keeps 32 members', () => {
      expect(forward(sut, { traceparent: traceparent('00'), tracestate: members(32) }).tracestate).toBe(members(32));
    });

    it('discards all of 33 members, where the stock propagator keeps 32 of them', () => {
      const incoming = { traceparent: traceparent('00'), tracestate: members(33) };

      expect(forward(new W3CTraceContextPropagator(), incoming).tracestate).toContain('bar01=1');
      expect(forward(sut, incoming)).not.toHaveProperty('tracestate');
    });
  });

  describe('illegal tracestate value characters', () => {
    it.each([
      ['foo=bar=baz'],
      ['foo=,bar=3'],
      ['bar=3,foo=caf\u00e9'],
      ['bar=3,foo=a\u0000b'],
      [`bar=3,foo=${'v'.repeat(257)}`],
    ])('discards all of %j', (tracestate) => {
      const outgoing = forward(sut, { traceparent: traceparent('00'), tracestate });

      expect(outgoing.traceparent).toContain(TRACE_ID);
      expect(outgoing).not.toHaveProperty('tracestate');
    });

    it('where the stock propagator keeps the valid members', () => {
      expect(
        forward(new W3CTraceContextPropagator(), { traceparent: traceparent('00'), tracestate: 'foo=,bar=3' })
          .tracestate,
      ).toBe('bar=3');
    });

    it('keeps every printable value character but comma and equals, and inner spaces', () => {
      const value = Array.from({ length: 0x7e - 0x20 + 1 }, (_, index) => String.fromCharCode(0x20 + index))
        .filter((char) => char !== ',' && char !== '=')
        .join('')
        .trimStart();

      expect(forward(sut, { traceparent: traceparent('00'), tracestate: `foo=${value}` }).tracestate).toBe(
        `foo=${value}`,
      );
    });
  });
});
