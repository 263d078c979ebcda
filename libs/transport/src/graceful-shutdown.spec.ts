import type { INestApplication } from '@nestjs/common';
import { once } from 'node:events';
import { type Server, createServer } from 'node:http';
import { type AddressInfo, type Socket, connect } from 'node:net';
import { shutdownDrain } from './graceful-shutdown';

const REQUEST = 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n';

/** Writes one request on the kept-alive `socket` and resolves with the raw response (its body is `ok`). */
async function ask(socket: Socket): Promise<string> {
  let response = '';
  const answered = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      response += chunk.toString();
      if (response.endsWith('\r\n\r\nok')) {
        socket.off('data', onData);
        resolve(response);
      }
    };
    socket.on('data', onData).once('error', reject);
  });
  socket.write(REQUEST);
  return answered;
}

describe('shutdownDrain, for the HTTP server', () => {
  let server: Server;
  let socket: Socket;
  let drain: () => Promise<void>;

  beforeEach(async () => {
    server = createServer((_request, response) => response.end('ok'));
    drain = shutdownDrain({ getHttpServer: () => server } as unknown as INestApplication);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    expect(await ask(socket)).toMatch(/^connection: keep-alive/im);
  });

  afterEach(() => {
    socket.destroy();
    server.closeAllConnections();
  });

  it('answers a request sent on a kept-alive connection after the drain began, with Connection: close', async () => {
    const drained = drain();

    const response = await ask(socket);

    expect(response).toMatch(/^HTTP\/1\.1 200/);
    expect(response).toMatch(/^connection: close/im);
    await once(socket, 'close');
    await drained;
    expect(server.listening).toBe(false);
  });

  it('closes a connection that stays idle through the grace, and then resolves', async () => {
    const drained = drain();
    expect(server.listening).toBe(false);

    await once(socket, 'close');
    await drained;
  });
});
