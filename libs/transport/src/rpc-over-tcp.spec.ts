import 'reflect-metadata';
import { Controller, type INestMicroservice, UseFilters } from '@nestjs/common';
import {
  type ClientProxy,
  ClientProxyFactory,
  type CustomStrategy,
  EventPattern,
  MessagePattern,
  Payload,
  Transport,
} from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { type ReadableSpan } from '@opentelemetry/sdk-trace';
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { DomainError } from '@app/contracts';
import { parseConfig } from '@app/config';
import { type AddressInfo, type Server, connect, createServer } from 'node:net';
import { Subject, filter, firstValueFrom } from 'rxjs';
import { TcpTraceSerializer, tcpCarrier } from '@app/tracing';
import { useTestTracing } from '@app/tracing/testing';
import { GracefulServer } from './graceful-server';
import { ProxyRpcClient } from './rpc-client';
import { RpcExceptionFilter } from './rpc-exception.filter';
import { rpcServerStrategy } from './server-strategy';

const HOST = '127.0.0.1';
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';
const TRACEPARENT = `00-${TRACE_ID}-${SPAN_ID}-01`;

/** What a handler saw while it ran. */
interface Seen {
  handler: string;
  payload: unknown;
  activeSpanId?: string;
  baggage: Record<string, string>;
}

const handled$ = new Subject<Seen>();
const slowHandlers: (() => void)[] = [];

function observe(handler: string, payload: unknown): Seen {
  const entries = propagation.getActiveBaggage()?.getAllEntries() ?? [];
  const seen: Seen = {
    handler,
    payload,
    activeSpanId: trace.getActiveSpan()?.spanContext().spanId,
    baggage: Object.fromEntries(entries.map(([key, { value }]) => [key, value])),
  };
  handled$.next(seen);
  return seen;
}

/** Resolves when the named handler next runs; call it before sending, as events have no reply to wait on. */
const nextRun = (handler: string): Promise<Seen> =>
  firstValueFrom(handled$.pipe(filter((seen) => seen.handler === handler)));

@Controller()
@UseFilters(RpcExceptionFilter)
class ProbeController {
  @MessagePattern('probe.echo')
  echo(@Payload() payload: unknown): Seen {
    return observe('echo', payload);
  }

  @EventPattern('probe.happened')
  happened(@Payload() payload: unknown): void {
    observe('happened', payload);
  }

  // Two handlers for one event, as Nest allows: both must run.
  @EventPattern('probe.fanout')
  fanoutFirst(@Payload() payload: unknown): void {
    observe('fanout.first', payload);
  }

  @EventPattern('probe.fanout')
  fanoutSecond(@Payload() payload: unknown): void {
    observe('fanout.second', payload);
  }

  /** Handled only once the test releases it. */
  @EventPattern('probe.slow_event')
  slowEvent(@Payload() payload: unknown): Promise<void> {
    observe('slow_event', payload);
    return new Promise((resolve) => slowHandlers.push(() => resolve()));
  }

  @EventPattern('probe.refused')
  refused(): never {
    throw new DomainError('USER_NOT_FOUND', 'No user with id 42');
  }

  @MessagePattern('probe.fail')
  fail(): never {
    throw new DomainError('USER_NOT_FOUND', 'No user with id 42');
  }

  @MessagePattern('probe.crash')
  crash(): never {
    throw new TypeError('secret internals');
  }

  /** Answers only once the test releases it. */
  @MessagePattern('probe.slow')
  slow(@Payload() payload: unknown): Promise<string> {
    observe('slow', payload);
    return new Promise((resolve) => slowHandlers.push(() => resolve('late')));
  }
}

/** A port nothing listens on: bound once by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  return port;
}

/**
 * Writes packets over a bare socket in Nest's JSON socket framing (`<length>#<json>`), bypassing any client,
 * and resolves once the server has answered the request with id `awaitReplyTo` (or, without one, once written).
 */
function rawSend(port: number, packet: object | string, awaitReplyTo?: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, HOST);
    const json = typeof packet === 'string' ? packet : JSON.stringify(packet);
    let received = '';
    let reply: unknown;
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      socket.write(`${json.length}#${json}`);
      if (awaitReplyTo === undefined) socket.end();
    });
    socket.on('data', (chunk: string) => {
      received += chunk;
      const hash = received.indexOf('#');
      const length = Number(received.slice(0, hash));
      if (hash < 0 || received.length < hash + 1 + length) return;
      reply = JSON.parse(received.slice(hash + 1, hash + 1 + length));
      socket.end();
    });
    socket.on('error', reject);
    socket.on('close', () => {
      if (awaitReplyTo === undefined || (reply as { id?: string } | undefined)?.id === awaitReplyTo) resolve(reply);
      else reject(new Error(`connection closed without a reply to ${awaitReplyTo}`));
    });
  });
}

const traceIdOf = (span: ReadableSpan): string => span.spanContext().traceId;
const spanIdOf = (span: ReadableSpan): string => span.spanContext().spanId;

describe(`${ProxyRpcClient.name} to ${GracefulServer.name} over TCP`, () => {
  const tracing = useTestTracing();
  const tracer = trace.getTracer('rpc-over-tcp.spec');

  let app: INestMicroservice;
  let port: number;
  let proxy: ClientProxy;
  let sut: ProxyRpcClient;

  /** Runs `call` inside an active `caller` span, as a service handling a request would. */
  async function asCaller<T>(call: () => Promise<T>): Promise<{ result: T; caller: ReadableSpan }> {
    const result = await tracer.startActiveSpan('caller', async (span) => {
      try {
        return await call();
      } finally {
        span.end();
      }
    });
    return { result, caller: tracing.onlySpan('caller') };
  }

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [ProbeController] }).compile();
    // The server exactly as the services run it: GracefulServer(ServerTCP) with TcpTraceDeserializer.
    app = moduleRef.createNestMicroservice<CustomStrategy>({
      ...rpcServerStrategy(
        parseConfig('user', { USER_DATABASE_URL: 'postgresql://unused', RPC_BIND_HOST: HOST, USER_RPC_PORT: '0' }),
        'user',
      ),
      logger: false,
    });
    await app.listen();
    port = (app.unwrap<Server>().address() as AddressInfo).port;

    proxy = ClientProxyFactory.create({
      transport: Transport.TCP,
      options: { host: HOST, port, serializer: new TcpTraceSerializer() },
    });
    await proxy.connect();
    sut = new ProxyRpcClient(proxy, {
      carrier: tcpCarrier,
      timeoutMs: 5_000,
      attributes: { 'server.address': HOST, 'server.port': port },
    });
  });

  afterAll(async () => {
    await proxy?.close();
    await app?.close();
  });

  describe('send', () => {
    it('makes the handler run in a SERVER span, child of the CLIENT span, child of the caller', async () => {
      const { result: reply, caller } = await asCaller(() => sut.send<Seen>('probe.echo', { text: 'hi' }));

      const client = tracing.onlySpan('probe.echo', SpanKind.CLIENT);
      const server = await tracing.ended('probe.echo', SpanKind.SERVER);
      expect(reply.payload).toEqual({ text: 'hi' });
      expect(reply.activeSpanId).toBe(spanIdOf(server));
      expect(client.parentSpanContext?.spanId).toBe(spanIdOf(caller));
      expect(server.parentSpanContext).toMatchObject({ spanId: spanIdOf(client), isRemote: true });
      expect([traceIdOf(client), traceIdOf(server)]).toEqual([traceIdOf(caller), traceIdOf(caller)]);
      expect(client.attributes).toEqual({
        'rpc.system.name': 'nestjs',
        'rpc.method': 'probe.echo',
        'server.address': HOST,
        'server.port': port,
      });
      expect(server.attributes).toEqual({ 'rpc.system.name': 'nestjs', 'rpc.method': 'probe.echo' });
      expect([client.status.code, server.status.code]).toEqual([SpanStatusCode.UNSET, SpanStatusCode.UNSET]);
    });

    it('starts a new trace with the CLIENT span when no span is active', async () => {
      const reply = await sut.send<Seen>('probe.echo', {});

      const client = tracing.onlySpan('probe.echo', SpanKind.CLIENT);
      const server = await tracing.ended('probe.echo', SpanKind.SERVER);
      expect(client.parentSpanContext).toBeUndefined();
      expect(server.parentSpanContext?.spanId).toBe(spanIdOf(client));
      expect(reply.activeSpanId).toBe(spanIdOf(server));
    });

    it("carries the caller's baggage to the handler", async () => {
      const baggage = propagation.createBaggage({ 'tenant.id': { value: 'acme' }, 'app.request.id': { value: 'r-1' } });

      const reply = await context.with(propagation.setBaggage(context.active(), baggage), () =>
        sut.send<Seen>('probe.echo', {}),
      );

      expect(reply.baggage).toEqual({ 'tenant.id': 'acme', 'app.request.id': 'r-1' });
      await tracing.ended('probe.echo', SpanKind.SERVER);
    });

    it('rejects with the DomainError the handler threw, recording it on both spans', async () => {
      const error: unknown = await sut.send('probe.fail', { id: 42 }).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'USER_NOT_FOUND', message: 'No user with id 42' });
      const client = tracing.onlySpan('probe.fail', SpanKind.CLIENT);
      const server = await tracing.ended('probe.fail', SpanKind.SERVER);
      expect(server.parentSpanContext?.spanId).toBe(spanIdOf(client));
      for (const span of [client, server]) {
        expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'No user with id 42' });
        expect(span.attributes['error.type']).toBe('USER_NOT_FOUND');
        expect(span.events.map((event) => event.name)).toEqual(['exception']);
      }
    });

    it('turns an unexpected error into INTERNAL without leaking its message', async () => {
      const error: unknown = await sut.send('probe.crash', {}).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'INTERNAL', message: 'Internal error' });
      const server = await tracing.ended('probe.crash', SpanKind.SERVER);
      expect(server.status.code).toBe(SpanStatusCode.ERROR);
      expect(server.attributes['error.type']).toBe('INTERNAL');
      expect(tracing.onlySpan('probe.crash', SpanKind.CLIENT).attributes['error.type']).toBe('INTERNAL');
    });

    it('rejects with SERVICE_TIMEOUT when the handler answers too late', async () => {
      const impatient = new ProxyRpcClient(proxy, { carrier: tcpCarrier, timeoutMs: 50 });
      const started = nextRun('slow');

      const error: unknown = await impatient.send('probe.slow', {}).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'SERVICE_TIMEOUT' });
      const client = tracing.onlySpan('probe.slow', SpanKind.CLIENT);
      expect(client.status).toEqual({ code: SpanStatusCode.ERROR, message: (error as DomainError).message });
      expect(client.attributes['error.type']).toBe('SERVICE_TIMEOUT');
      expect(client.events[0].attributes?.['exception.type']).toBe('TimeoutError');

      // Let the handler finish, so its SERVER span ends within this test.
      await started;
      slowHandlers.splice(0).forEach((release) => release());
      const server = await tracing.ended('probe.slow', SpanKind.SERVER);
      expect(server.parentSpanContext?.spanId).toBe(spanIdOf(client));
    });
  });

  describe('emit', () => {
    it('makes the handler run in a CONSUMER span, child of the PRODUCER span, in the same trace', async () => {
      const run = nextRun('happened');

      const { caller } = await asCaller(() => sut.emit('probe.happened', { orderId: 'o-1' }));

      const seen = await run;
      const consumer = await tracing.ended('process probe.happened');
      const producer = tracing.onlySpan('send probe.happened');
      expect(seen.payload).toEqual({ orderId: 'o-1' });
      expect(seen.activeSpanId).toBe(spanIdOf(consumer));
      expect([producer.kind, consumer.kind]).toEqual([SpanKind.PRODUCER, SpanKind.CONSUMER]);
      expect(producer.parentSpanContext?.spanId).toBe(spanIdOf(caller));
      expect(consumer.parentSpanContext).toMatchObject({ spanId: spanIdOf(producer), isRemote: true });
      expect([traceIdOf(producer), traceIdOf(consumer)]).toEqual([traceIdOf(caller), traceIdOf(caller)]);
      expect(producer.attributes).toEqual({
        'messaging.system.name': 'nestjs_tcp',
        'messaging.destination.name': 'probe.happened',
        'messaging.operation.type': 'send',
        'messaging.operation.name': 'emit',
        'server.address': HOST,
        'server.port': port,
      });
      expect(consumer.attributes).toEqual({
        'messaging.system.name': 'nestjs_tcp',
        'messaging.destination.name': 'probe.happened',
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'handle',
      });
    });

    it("carries the caller's baggage to the handler", async () => {
      const run = nextRun('happened');
      const baggage = propagation.createBaggage({ 'tenant.id': { value: 'acme' } });

      await context.with(propagation.setBaggage(context.active(), baggage), () => sut.emit('probe.happened', {}));

      await expect(run).resolves.toMatchObject({ baggage: { 'tenant.id': 'acme' } });
      await tracing.ended('process probe.happened');
    });

    it('runs every handler of an event inside its CONSUMER span', async () => {
      const runs = Promise.all([nextRun('fanout.first'), nextRun('fanout.second')]);

      await sut.emit('probe.fanout', { n: 1 });

      const [first, second] = await runs;
      const consumer = await tracing.ended('process probe.fanout');
      expect([first.payload, second.payload]).toEqual([{ n: 1 }, { n: 1 }]);
      expect([first.activeSpanId, second.activeSpanId]).toEqual([spanIdOf(consumer), spanIdOf(consumer)]);
      expect(tracing.startedCount('process probe.fanout')).toBe(1);
    });
  });

  describe('emit, acknowledged', () => {
    it('resolves only once the consumer has handled the event', async () => {
      const started = nextRun('slow_event');
      let resolved = false;
      const emitted = sut.emit('probe.slow_event', {}).then(() => (resolved = true));

      await started;
      await new Promise((resolve) => setImmediate(resolve));
      expect(resolved).toBe(false);
      slowHandlers.splice(0).forEach((release) => release());

      await emitted;
      expect(resolved).toBe(true);
    });

    it("rejects with the consumer's error when it fails, so the sender can deliver again", async () => {
      const error: unknown = await sut.emit('probe.refused', {}).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'USER_NOT_FOUND' });
      const producer = tracing.onlySpan('send probe.refused');
      expect(producer.status.code).toBe(SpanStatusCode.ERROR);
      await tracing.ended('process probe.refused');
    });
  });

  describe('when the service is unreachable', () => {
    it.each(['send', 'emit'] as const)('%s rejects with SERVICE_UNAVAILABLE', async (method) => {
      const deadProxy = ClientProxyFactory.create({
        transport: Transport.TCP,
        options: { host: HOST, port: await closedPort(), serializer: new TcpTraceSerializer() },
      });
      const dead = new ProxyRpcClient(deadProxy, { carrier: tcpCarrier, timeoutMs: 5_000 });

      const error: unknown = await dead[method]('probe.echo', {}).catch((caught: unknown) => caught);
      deadProxy.close();

      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      const [span] = tracing.finished();
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.attributes['error.type']).toBe('SERVICE_UNAVAILABLE');
      expect(span.events.map((event) => event.name)).toEqual(['exception']);
    });
  });

  describe('messages without usable trace headers', () => {
    it('handles a message from a plain Nest client under a new trace', async () => {
      const plain = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: HOST, port } });
      try {
        const { result: reply, caller } = await asCaller(() =>
          firstValueFrom(plain.send<Seen>('probe.echo', { text: 'plain' })),
        );

        const server = await tracing.ended('probe.echo', SpanKind.SERVER);
        expect(reply.payload).toEqual({ text: 'plain' });
        expect(reply.activeSpanId).toBe(spanIdOf(server));
        expect(server.parentSpanContext).toBeUndefined();
        expect(traceIdOf(server)).not.toBe(traceIdOf(caller));
      } finally {
        plain.close();
      }
    });

    it('handles an event from a plain Nest client under a new trace', async () => {
      const plain = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: HOST, port } });
      const run = nextRun('happened');
      try {
        await firstValueFrom(plain.emit('probe.happened', { plain: true }), { defaultValue: undefined });

        const seen = await run;
        const consumer = await tracing.ended('process probe.happened');
        expect(seen).toMatchObject({ payload: { plain: true }, activeSpanId: spanIdOf(consumer) });
        expect(consumer.parentSpanContext).toBeUndefined();
      } finally {
        plain.close();
      }
    });

    it.each([
      ['a garbage traceparent', { traceparent: 'garbage' }],
      ['an all-zero trace id', { traceparent: `00-${'0'.repeat(32)}-${SPAN_ID}-01` }],
      ['headers as a string', TRACEPARENT],
      ['headers as an array', [TRACEPARENT]],
      ['null headers', null],
      ['a traceparent that is an object', { traceparent: { value: TRACEPARENT } }],
      ['an oversized traceparent', { traceparent: `${TRACEPARENT}-${'x'.repeat(9000)}` }],
    ])('handles a raw request with %s under a new trace', async (_case, headers) => {
      const reply = await rawSend(port, { pattern: 'probe.echo', id: 'raw-1', data: { raw: true }, headers }, 'raw-1');

      const server = await tracing.ended('probe.echo', SpanKind.SERVER);
      expect(reply).toMatchObject({
        id: 'raw-1',
        response: { payload: { raw: true }, activeSpanId: spanIdOf(server) },
      });
      expect(server.parentSpanContext).toBeUndefined();
      expect(traceIdOf(server)).not.toBe(TRACE_ID);
    });

    it('handles a raw request whose traceparent is nested deeper than the stack', async () => {
      // Built as text: JSON.stringify itself would overflow the stack on such a value.
      const depth = 100_000;
      const traceparent = `${'['.repeat(depth)}"${TRACEPARENT}"${']'.repeat(depth)}`;
      const packet = `{"pattern":"probe.echo","id":"raw-3","data":{},"headers":{"traceparent":${traceparent}}}`;

      const reply = await rawSend(port, packet, 'raw-3');

      const server = await tracing.ended('probe.echo', SpanKind.SERVER);
      expect(reply).toMatchObject({ id: 'raw-3', response: { activeSpanId: spanIdOf(server) } });
      expect(server.parentSpanContext).toBeUndefined();
    });

    it('handles a raw event with broken headers under a new trace', async () => {
      const run = nextRun('happened');

      await rawSend(port, { pattern: 'probe.happened', data: { raw: true }, headers: 'garbage' });

      const seen = await run;
      const consumer = await tracing.ended('process probe.happened');
      expect(seen).toMatchObject({ payload: { raw: true }, activeSpanId: spanIdOf(consumer) });
      expect(consumer.parentSpanContext).toBeUndefined();
    });

    it('continues the trace of a raw request whose headers are valid, whatever their case', async () => {
      const headers = { TraceParent: TRACEPARENT, Baggage: 'tenant.id=acme' };

      const reply = await rawSend(port, { pattern: 'probe.echo', id: 'raw-2', data: {}, headers }, 'raw-2');

      const server = await tracing.ended('probe.echo', SpanKind.SERVER);
      expect(server.parentSpanContext).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, isRemote: true });
      expect(reply).toMatchObject({ response: { baggage: { 'tenant.id': 'acme' } } });
    });
  });
});
