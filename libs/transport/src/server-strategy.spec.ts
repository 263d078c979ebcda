import { parseConfig } from '@app/config';
import type { ServerTCP, TcpSocket } from '@nestjs/microservices';
import { of } from 'rxjs';
import { rpcServerStrategy } from './server-strategy';

/** A socket as ServerTCP hands it to handleMessage; `ended` once the closing server has called end() on it. */
function socketThat(ended: boolean) {
  let answered: (message: unknown) => void;
  const answer = new Promise<unknown>((resolve) => (answered = resolve));
  const socket = { netSocket: { writableEnded: ended }, sendMessage: jest.fn((message) => answered(message)) };
  return { socket: socket as unknown as TcpSocket, sendMessage: socket.sendMessage, answer };
}

describe('the TCP server of a service', () => {
  const config = parseConfig('user', {
    USER_DATABASE_URL: 'postgresql://user@127.0.0.1:5432/user',
    USER_RPC_PORT: '0',
  });
  let server: ServerTCP;
  const handler = jest.fn(() => Promise.resolve(of({ pong: true })));

  beforeEach(() => {
    server = rpcServerStrategy(config, 'user').strategy as ServerTCP;
    server.addHandler('probe.ping', handler);
    handler.mockClear();
  });

  it('answers a request read on an open socket', async () => {
    const { socket, answer } = socketThat(false);
    await server.handleMessage(socket, { id: '1', pattern: 'probe.ping', data: {} });
    expect(await answer).toMatchObject({ id: '1', response: { pong: true } });
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('neither runs nor answers a request read after it ended the socket, so the socket is not reset', async () => {
    const { socket, sendMessage } = socketThat(true);
    await server.handleMessage(socket, { id: '2', pattern: 'probe.ping', data: {} });
    // Nest writes replies on the next tick: let it pass before checking that none was written.
    await new Promise((resolve) => setImmediate(resolve));
    expect(handler).not.toHaveBeenCalled();
    expect(sendMessage).not.toHaveBeenCalled();
  });
});
