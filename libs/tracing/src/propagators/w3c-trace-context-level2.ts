import {
  type Context,
  type SpanContext,
  type TextMapGetter,
  type TextMapSetter,
  TraceFlags,
  createContextKey,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { Level2TraceState } from './trace-state';

/** Level 2's random-trace-id flag, bit 1 of trace-flags (https://www.w3.org/TR/trace-context-2/#random-trace-id-flag). */
export const RANDOM_TRACE_ID_FLAG = 0x02;

/** The random flag the incoming traceparent had, for the trace it named. */
interface IncomingRandomFlag {
  traceId: string;
  random: boolean;
}

const INCOMING_RANDOM_FLAG = createContextKey('W3CTraceContextLevel2Propagator incoming random-trace-id flag');

export interface W3CTraceContextLevel2Options {
  /**
   * Whether this process draws the trace ids of the traces it starts at random, as the SDK's default
   * RandomIdGenerator does: their traceparent then carries the random flag. Turn it off with an IdGenerator whose
   * trace ids are not random in their right-most 7 bytes. Default true.
   */
  localTraceIdsAreRandom?: boolean;
}

/**
 * W3C Trace Context Level 2 on top of the stock propagator, which implements Level 1 and parses traceparent here
 * unchanged. It adds what the W3C test suite checks at spec level 2, strict level 2, and the stock one fails:
 * - the random-trace-id flag: kept as the caller sent it for as long as the trace id is the same, and set on the
 *   traces this process starts. The SDK builds a child's flags from its sampling decision alone, dropping the bit,
 *   so it is remembered in the context at extract and restored at inject
 *   (https://github.com/open-telemetry/opentelemetry-js/issues/6165);
 * - the tracestate grammar of Level 2 (`@` anywhere in a key after its first character, 256 characters a key),
 *   and discarding the whole tracestate, not just the bad member, when a key or value is illegal, a key repeats or
 *   there are more than 32 members. The traceparent is kept either way.
 *   Level 2 key grammar: https://github.com/w3c/trace-context/issues/583.
 * Remove it once @opentelemetry/core's propagator passes the Level 2 suite.
 */
export class W3CTraceContextLevel2Propagator extends W3CTraceContextPropagator {
  private readonly localTraceIdsAreRandom: boolean;

  constructor({ localTraceIdsAreRandom = true }: W3CTraceContextLevel2Options = {}) {
    super();
    this.localTraceIdsAreRandom = localTraceIdsAreRandom;
  }

  override extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const extracted = super.extract(context, carrier, getter);
    const spanContext = trace.getSpanContext(extracted);
    // No valid traceparent: W3C then ignores tracestate too, and so does the stock propagator.
    if (extracted === context || !spanContext) return context;

    // The stock propagator's TraceState keeps the valid members of an invalid header: parse it again, strictly.
    const { traceState: lenient, ...remote } = spanContext;
    const traceState = lenient && Level2TraceState.parse(getter.get(carrier, 'tracestate'));
    const strict: SpanContext = traceState ? { ...remote, traceState } : remote;
    const incoming: IncomingRandomFlag = {
      traceId: spanContext.traceId,
      random: (spanContext.traceFlags & RANDOM_TRACE_ID_FLAG) !== 0,
    };
    return trace.setSpanContext(extracted, strict).setValue(INCOMING_RANDOM_FLAG, incoming);
  }

  override inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    const spanContext = trace.getSpanContext(context);
    if (!spanContext) return;
    // Only the flags Level 2 defines: the other bits are reserved and must go out as zero.
    const random = this.hasRandomTraceId(context, spanContext) ? RANDOM_TRACE_ID_FLAG : 0;
    const traceFlags = (spanContext.traceFlags & TraceFlags.SAMPLED) | random;
    super.inject(trace.setSpanContext(context, { ...spanContext, traceFlags }), carrier, setter);
  }

  private hasRandomTraceId(context: Context, spanContext: SpanContext): boolean {
    const incoming = context.getValue(INCOMING_RANDOM_FLAG) as IncomingRandomFlag | undefined;
    if (incoming?.traceId === spanContext.traceId) return incoming.random;
    // A remote context passed on as it came, without a span of ours in between, still has its own flags.
    if (spanContext.isRemote) return (spanContext.traceFlags & RANDOM_TRACE_ID_FLAG) !== 0;
    return this.localTraceIdsAreRandom;
  }
}
