import { type ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { SpanKind, SpanStatusCode, context, propagation } from '@opentelemetry/api';
import { DomainError } from '@app/contracts';
import { type AddressInfo, createServer } from 'node:net';
import { TcpTraceSerializer, tcpCarrier } from '@app/tracing';
import { GracefulServer } from './graceful-server';
import { ProxyRpcClient } from './rpc-client';
import { HOST, type Seen, nextRun, slowHandlers, spanIdOf, traceIdOf, useProbeService } from './testing/probe-service';

// Messages that carry no usable trace context: rpc-over-tcp.trace-headers.spec.ts.

/** A port nothing listens on: bound once by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  return port;
}

describe(`${ProxyRpcClient.name} to ${GracefulServer.name} over TCP`, () => {
  const probe = useProbeService();
  const { tracing, asCaller } = probe;
  let port: number;
  let proxy: ClientProxy;
  let sut: ProxyRpcClient;

  beforeAll(() => {
    ({ port, proxy, sut } = probe);
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
});
