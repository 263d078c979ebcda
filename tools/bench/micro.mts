// Micro-benchmarks of the tracing code itself, run on the production build (dist/) with a real SDK tracer provider
// whose span processor does nothing, so what is timed is the span's life in the app, the same for every variant.
// Timed with mitata rather than a loop of our own: it runs a sub-microsecond function in batches, so the clock's own
// cost does not swamp it, and awaits one that returns a promise.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Context, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { do_not_optimize, measure } from 'mitata';
import { type MicroResult, median } from './report.ts';

/** Each variant is measured once per round, the variants in turn, so drift on a shared machine touches them alike. */
export type MicroTiming = { rounds: number; milliseconds: number };

const ROOT = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);

type Decorator = (target: object, key: string, descriptor: PropertyDescriptor) => PropertyDescriptor | void;
const fromDist = <T,>(path: string) => require(join(ROOT, 'dist/apps/user/libs/tracing/src', path)) as T;

type Variant = { run: () => unknown; baseline?: string; note?: () => string };

/** Each variant's nanoseconds per operation: the median over the rounds of mitata's median. */
async function measureGroup(group: string, variants: Record<string, Variant>, timing: MicroTiming) {
  const p50s = new Map(Object.keys(variants).map((name) => [name, [] as number[]]));
  // Round -1 warms the JIT for every variant (mitata's own warm-up is a few calls) and is thrown away.
  for (let round = -1; round < timing.rounds; round++) {
    for (const [name, { run }] of Object.entries(variants)) {
      const { p50 } = await measure(run, { min_cpu_time: timing.milliseconds * 1e6 });
      if (round >= 0) p50s.get(name)!.push(p50);
    }
  }
  return Object.entries(variants).map(([name, { baseline, note }]): MicroResult => {
    const nsPerOp = median(p50s.get(name)!);
    // A note (the envelope's size) is read once the variant has run.
    return { group, name, nsPerOp, baseline, note: note?.() };
  });
}

// The same small method, sync and async, in four variants: under @Traced(), the same work in a bare
// tracer.startActiveSpan, without tracing, and under nestjs-otel's @Span.
function calculators() {
  const tracer = trace.getTracer('bench');
  const attributes = { 'code.function.name': 'Calculator.add' };
  // Like @Traced(), the bare variant sets code.function.name and records errors, so both do the same work.
  const bare = <T,>(work: () => T): T =>
    tracer.startActiveSpan('Calculator.add', { attributes }, (span) => {
      try {
        return work();
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    });
  const bareAsync = <T,>(work: () => Promise<T>): Promise<T> =>
    tracer.startActiveSpan('Calculator.addAsync', { attributes }, (span) =>
      work().then(
        (value) => (span.end(), value),
        (error: unknown) => {
          span.recordException(error as Error);
          span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
          throw error;
        },
      ),
    );
  class Plain {
    add(a: number, b: number): number {
      return a + b;
    }
    addAsync(a: number, b: number): Promise<number> {
      return Promise.resolve(a + b);
    }
  }
  class Bare {
    add(a: number, b: number): number {
      return bare(() => a + b);
    }
    addAsync(a: number, b: number): Promise<number> {
      return bareAsync(() => Promise.resolve(a + b));
    }
  }
  /** An instance of `cls` with Plain's methods under `decorator`, applied as TypeScript's legacy decorators are. */
  const decorated = (cls: typeof Plain, decorator: Decorator) => {
    for (const key of ['add', 'addAsync'] as const) {
      const descriptor = { ...Object.getOwnPropertyDescriptor(Plain.prototype, key)!, writable: true };
      Object.defineProperty(cls.prototype, key, decorator(cls.prototype, key, descriptor) ?? descriptor);
    }
    return new cls();
  };
  const { Traced } = fromDist<{ Traced: () => Decorator }>('traced/traced.decorator.js');
  const { Span } = require('nestjs-otel') as { Span: () => Decorator };
  return {
    none: new Plain(),
    bare: new Bare(),
    traced: decorated(class WithTraced extends Plain {}, Traced()),
    span: decorated(class WithSpan extends Plain {}, Span()),
  };
}

async function tracedBenchmarks(timing: MicroTiming): Promise<MicroResult[]> {
  const calc = calculators();
  const results: MicroResult[] = [];
  // do_not_optimize keeps the sync result in use, so the JIT cannot drop the call; the async call returns its
  // promise, which mitata awaits.
  for (const [group, call] of [
    ['@Traced() sync', (c: typeof calc.none) => do_not_optimize(c.add(1, 2))],
    ['@Traced() async', (c: typeof calc.none) => c.addAsync(1, 2)],
  ] as const) {
    const variants = {
      'no tracing': { run: () => call(calc.none) },
      'bare startActiveSpan': { run: () => call(calc.bare), baseline: 'no tracing' },
      '@Traced()': { run: () => call(calc.traced), baseline: 'bare startActiveSpan' },
      'nestjs-otel @Span': { run: () => call(calc.span), baseline: 'bare startActiveSpan' },
    };
    results.push(...(await measureGroup(group, variants, timing)));
  }
  return results;
}

/** The TCP trace envelope (inject, attach, serialise, Nest's JSON framing and back, extract) against plain Nest TCP. */
async function envelopeBenchmarks(timing: MicroTiming): Promise<MicroResult[]> {
  type Packet = { pattern: unknown; id?: string; data?: unknown };
  const carrier = fromDist<{
    TcpTraceSerializer: new () => { serialize(packet: Packet): Packet };
    TcpTraceDeserializer: new () => { deserialize(value: unknown): Packet };
    tcpCarrier: { attach(payload: unknown, headers: object): unknown; read(data: unknown, ctx: unknown): unknown };
  }>('rpc/tcp-carrier.js');
  const headers = fromDist<{
    injectTraceHeaders(): Record<string, string>;
    extractTraceContext(carrier: unknown): Context;
  }>('rpc/trace-headers.js');
  const serializer = new carrier.TcpTraceSerializer();
  const deserializer = new carrier.TcpTraceDeserializer();
  // Nest's JsonSocket frames a packet as `<length>#<json>` (@nestjs/microservices/helpers/json-socket.js).
  const frame = (packet: Packet) => {
    const json = JSON.stringify(packet);
    return `${json.length}#${json}`;
  };
  const unframe = (text: string) => JSON.parse(text.slice(text.indexOf('#') + 1)) as unknown;
  const payload = { userId: '0b5c8a47-93f3-4ac1-9d2c-2f2a4c8f8a11', items: [{ sku: 'BENCH-1', quantity: 2 }] };
  const packet = { pattern: 'user.get', id: '9f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b' };
  const bytes = { plain: 0, traced: 0 };

  const plain = () => {
    const sent = frame({ ...packet, data: payload });
    bytes.plain = sent.length;
    return unframe(sent);
  };
  const traced = () => {
    const data = carrier.tcpCarrier.attach(payload, headers.injectTraceHeaders());
    const sent = frame(serializer.serialize({ ...packet, data }));
    bytes.traced = sent.length;
    const received = deserializer.deserialize(unframe(sent));
    const read = carrier.tcpCarrier.read(received.data, undefined) as { headers: unknown };
    return headers.extractTraceContext(read.headers);
  };
  // Inside a span and with a request id in baggage, as every gateway call is.
  const span = trace.getTracer('bench').startSpan('request');
  const active = propagation.setBaggage(
    trace.setSpan(context.active(), span),
    propagation.createBaggage({ 'app.request.id': { value: 'b8f0b1de-6a43-4c4e-9b53-6a0f6b0f7f11' } }),
  );
  const variants = {
    'plain Nest TCP': { run: plain, note: () => `${bytes.plain} bytes` },
    'traced envelope': { run: traced, baseline: 'plain Nest TCP', note: () => `${bytes.traced} bytes` },
  };
  const results = await context.with(active, () => measureGroup('TCP message', variants, timing));
  span.end();
  return results;
}

export async function runMicro(timing: MicroTiming): Promise<MicroResult[]> {
  const idle = { onStart() {}, onEnd() {}, forceFlush: async () => {}, shutdown: async () => {} };
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [idle] }));
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
  return [...(await tracedBenchmarks(timing)), ...(await envelopeBenchmarks(timing))];
}
