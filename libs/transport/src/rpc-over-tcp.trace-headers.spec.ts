import { ClientProxyFactory, Transport } from '@nestjs/microservices';
import { SpanKind } from '@opentelemetry/api';
import { connect } from 'node:net';
import { firstValueFrom } from 'rxjs';
import { GracefulServer } from './graceful-server';
import { ProxyRpcClient } from './rpc-client';
import {
  HOST,
  SPAN_ID,
  type Seen,
  TRACEPARENT,
  TRACE_ID,
  nextRun,
  spanIdOf,
  traceIdOf,
  useProbeService,
} from './testing/probe-service';

// A server must handle what a plain Nest client or a bare socket sends: no trace headers, broken ones, odd casing.

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

describe(`${ProxyRpcClient.name} to ${GracefulServer.name} over TCP`, () => {
  const probe = useProbeService();
  const { tracing, asCaller } = probe;
  let port: number;

  beforeAll(() => {
    ({ port } = probe);
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
