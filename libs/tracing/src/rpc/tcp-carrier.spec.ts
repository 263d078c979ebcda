import { TcpContext } from '@nestjs/microservices';
import { TcpTraceDeserializer, TcpTraceSerializer, TracedPayload, tcpCarrier } from './tcp-carrier';

const HEADERS = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', baggage: 'tenant.id=acme' };

describe(TcpTraceSerializer.name, () => {
  it('lifts the headers of a TracedPayload into a top-level headers field', () => {
    const sut = new TcpTraceSerializer();

    const packet = sut.serialize({ pattern: 'user.get', id: 'req-1', data: new TracedPayload({ id: 7 }, HEADERS) });

    expect(packet).toEqual({ pattern: 'user.get', id: 'req-1', data: { id: 7 }, headers: HEADERS });
    expect(packet.data).not.toBeInstanceOf(TracedPayload);
  });

  it('does the same for events, which have no id', () => {
    const sut = new TcpTraceSerializer();

    const packet = sut.serialize({ pattern: 'order.created', data: new TracedPayload('payload', HEADERS) });

    expect(packet).toEqual({ pattern: 'order.created', data: 'payload', headers: HEADERS });
  });

  it.each([
    ['a plain payload', { pattern: 'user.get', id: 'req-1', data: { id: 7 } }],
    ['no payload', { pattern: 'user.list', id: 'req-2' }],
    ['a payload that merely looks traced', { pattern: 'p', data: { payload: 1, headers: HEADERS } }],
  ])('leaves a packet with %s alone', (_case, packet) => {
    const sut = new TcpTraceSerializer();

    const serialized = sut.serialize(packet);

    expect(serialized).toBe(packet);
    expect(serialized).not.toHaveProperty('headers');
  });
});

describe(TcpTraceDeserializer.name, () => {
  it('turns a top-level headers field back into a TracedPayload', () => {
    const sut = new TcpTraceDeserializer();

    const request = sut.deserialize({ pattern: 'user.get', id: 'req-1', data: { id: 7 }, headers: HEADERS });

    expect(request).toStrictEqual({ pattern: 'user.get', id: 'req-1', data: new TracedPayload({ id: 7 }, HEADERS) });
    expect(request).not.toHaveProperty('headers');
  });

  it('wraps headers of any shape, leaving their validation to extraction', () => {
    const sut = new TcpTraceDeserializer();

    const request = sut.deserialize({ pattern: 'p', data: 1, headers: 'not an object' });

    expect(request.data).toStrictEqual(new TracedPayload(1, 'not an object'));
  });

  it('passes a packet without headers through unchanged', () => {
    const sut = new TcpTraceDeserializer();
    const packet = { pattern: 'user.get', id: 'req-1', data: { id: 7 } };

    const request = sut.deserialize(packet);

    expect(request).toEqual(packet);
    expect(request.data).not.toBeInstanceOf(TracedPayload);
  });

  it.each([
    ['null', null],
    ['a string', 'hello'],
    ['a number', 42],
    ['undefined', undefined],
  ])('passes %s through unchanged', (_case, value) => {
    const sut = new TcpTraceDeserializer();

    expect(sut.deserialize(value)).toBe(value);
  });

  it("reads what TcpTraceSerializer wrote, after Nest's JSON framing", () => {
    const sut = new TcpTraceDeserializer();
    const sent = new TcpTraceSerializer().serialize({
      pattern: { cmd: 'user.get' },
      id: 'req-1',
      data: new TracedPayload({ id: 7, tags: ['a'] }, HEADERS),
    });

    const request = sut.deserialize(JSON.parse(JSON.stringify(sent)));

    expect(request).toStrictEqual({
      pattern: { cmd: 'user.get' },
      id: 'req-1',
      data: new TracedPayload({ id: 7, tags: ['a'] }, HEADERS),
    });
  });
});

describe('tcpCarrier', () => {
  const rpcContext = new TcpContext([{} as never, 'user.get']);

  it('attaches headers by wrapping the payload', () => {
    const sut = tcpCarrier;

    expect(sut.attach({ id: 7 }, HEADERS)).toStrictEqual(new TracedPayload({ id: 7 }, HEADERS));
  });

  it('splits a TracedPayload into payload and headers', () => {
    const sut = tcpCarrier;

    expect(sut.read(new TracedPayload({ id: 7 }, HEADERS), rpcContext)).toEqual({
      payload: { id: 7 },
      headers: HEADERS,
    });
  });

  it('reads a plain payload as having no headers', () => {
    const sut = tcpCarrier;

    expect(sut.read({ id: 7, headers: HEADERS }, rpcContext)).toStrictEqual({
      payload: { id: 7, headers: HEADERS },
      headers: undefined,
    });
  });

  it('names the messaging system', () => {
    expect(tcpCarrier.messagingSystem).toBe('nestjs_tcp');
  });
});
