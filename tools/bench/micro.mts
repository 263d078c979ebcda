// Micro-benchmarks of the tracing code itself, run on the production build (dist/) with a real SDK tracer provider:
//   - a method under @Traced(), against the same work in a bare tracer.startActiveSpan, against no tracing, and
//     against nestjs-otel's @Span;
//   - the TCP trace envelope per message (inject, attach, serialise, Nest's JSON framing and back, extract) against
//     plain Nest TCP (the framing alone).
// The span processor does nothing, so what is timed is the span's life in the app, the same for every variant.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Context, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import type { MicroResult } from './report.ts';
import { type TimingOptions, nanosecondsPerOp } from './timing.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);

type Decorator = (target: object, key: string, descriptor: PropertyDescriptor) => PropertyDescriptor | void;
const fromDist = <T,>(path: string) => require(join(ROOT, 'dist/apps/user/libs/tracing/src', path)) as T;

function registerSdk(): void {
  const idle = { onStart() {}, onEnd() {}, forceFlush: async () => {}, shutdown: async () => {} };
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [idle] }));
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
}

/** The same small method (a sync and an async version) in each of the four tracing variants. */
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
  class WithTraced extends Plain {}
  class WithSpan extends Plain {}
  const { Traced } = fromDist<{ Traced: () => Decorator }>('traced/traced.decorator.js');
  const { Span } = require('nestjs-otel') as { Span: () => Decorator };
  for (const [cls, decorator] of [
    [WithTraced, Traced],
    [WithSpan, Span],
  ] as const) {
    for (const key of ['add', 'addAsync'] as const) {
      const descriptor = { ...Object.getOwnPropertyDescriptor(Plain.prototype, key)!, writable: true };
      Object.defineProperty(cls.prototype, key, decorator()(cls.prototype, key, descriptor) ?? descriptor);
    }
  }
  return { none: new Plain(), bare: new Bare(), traced: new WithTraced(), span: new WithSpan() };
}

/** What each variant is compared with: the tracing ones with the bare span, the bare span with no tracing. */
const BASELINES: Record<string, string | undefined> = { 'no tracing': undefined, 'bare startActiveSpan': 'no tracing' };

async function tracedBenchmarks(timing: TimingOptions): Promise<MicroResult[]> {
  const calc = calculators();
  const results: MicroResult[] = [];
  for (const [group, call] of [
    ['@Traced() sync', (c: typeof calc.none) => c.add(1, 2)],
    ['@Traced() async', (c: typeof calc.none) => c.addAsync(1, 2)],
  ] as const) {
    const ns = await nanosecondsPerOp(
      {
        'no tracing': () => call(calc.none),
        'bare startActiveSpan': () => call(calc.bare),
        '@Traced()': () => call(calc.traced),
        'nestjs-otel @Span': () => call(calc.span),
      },
      timing,
    );
    for (const [name, nsPerOp] of ns) {
      results.push({ group, name, nsPerOp, baseline: name in BASELINES ? BASELINES[name] : 'bare startActiveSpan' });
    }
  }
  return results;
}

async function envelopeBenchmarks(timing: TimingOptions): Promise<MicroResult[]> {
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
  const ns = await context.with(active, () =>
    nanosecondsPerOp({ 'plain Nest TCP': plain, 'traced envelope': traced }, timing),
  );
  span.end();
  return [
    { group: 'TCP message', name: 'plain Nest TCP', nsPerOp: ns.get('plain Nest TCP')!, note: `${bytes.plain} bytes` },
    {
      group: 'TCP message',
      name: 'traced envelope',
      nsPerOp: ns.get('traced envelope')!,
      baseline: 'plain Nest TCP',
      note: `${bytes.traced} bytes`,
    },
  ];
}

export async function runMicro(timing: TimingOptions): Promise<MicroResult[]> {
  registerSdk();
  return [...(await tracedBenchmarks(timing)), ...(await envelopeBenchmarks(timing))];
}
