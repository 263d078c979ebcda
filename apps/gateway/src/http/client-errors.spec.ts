import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { ATTR_APP_REQUEST_ID } from '@app/tracing';
import { useTestTracing } from '@app/tracing/testing';
import { SpanKind } from '@opentelemetry/api';
import { answerClientErrors } from './client-errors';

/** Writes `request` on a fresh connection and returns everything the server sent before it closed. */
async function exchange(server: Server, request: string) {
  const { port } = server.address() as AddressInfo;
  const socket = connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.write(request);
  await once(socket, 'close');
  const [head, body] = Buffer.concat(chunks).toString('utf8').split('\r\n\r\n');
  const [statusLine, ...headerLines] = head.split('\r\n');
  const headers = Object.fromEntries(
    headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 2)]),
  );
  return { statusLine, headers, body: JSON.parse(body) as Record<string, unknown> };
}

describe(answerClientErrors.name, () => {
  const tracing = useTestTracing();
  const logger = { log: jest.fn(), warn: jest.fn(), error: jest.fn() };
  let server: Server;

  beforeAll(async () => {
    server = createServer({ maxHeaderSize: 1024 }, (_request, response) => response.end('served'));
    answerClientErrors(server, logger);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('answers headers over maxHeaderSize with 431, the error body, a request id and a trace of its own', async () => {
    const answer = await exchange(server, `GET /users HTTP/1.1\r\nHost: gw\r\nX-Big: ${'a'.repeat(2048)}\r\n\r\n`);

    expect(answer.statusLine).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    const span = tracing.onlySpan('HTTP', SpanKind.SERVER);
    const requestId = answer.headers['x-request-id'];
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      connection: 'close',
      traceresponse: `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`,
    });
    expect(answer.body).toEqual({
      statusCode: 431,
      error: 'Request Header Fields Too Large',
      message: 'Request headers are too large',
      traceId: span.spanContext().traceId,
      requestId,
    });
    expect(span.attributes).toEqual({
      'http.request.method': '_OTHER',
      'http.response.status_code': 431,
      [ATTR_APP_REQUEST_ID]: requestId,
    });
    expect(logger.warn).toHaveBeenCalledWith(
      expect.objectContaining({ request_id: requestId, statusCode: 431 }),
      'request refused by the HTTP parser: 431',
    );
  });

  it('answers a request Node cannot parse with 400 and the same body', async () => {
    const answer = await exchange(server, 'NOT HTTP AT ALL\r\n\r\n');

    expect(answer.statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect(answer.body).toMatchObject({
      statusCode: 400,
      error: 'Bad Request',
      requestId: answer.headers['x-request-id'],
    });
  });

  it('still serves requests that fit', async () => {
    const { port } = server.address() as AddressInfo;

    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('served');
  });
});
