import { Server, Socket, createConnection, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP forwarder in front of a database or a service, for fault injection. `refuseNewConnections()` stops accepting
 * (a client connecting then gets ECONNREFUSED) while the connections already open keep working; `cut()` also drops
 * those, as a dependency that goes away would; `acceptAgain()` listens on the same port again. Node's net module
 * does this in a few lines; no proxy library is needed.
 */
export class TcpProxy {
  private server?: Server;
  private port = 0;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly target: { host: string; port: number }) {}

  get address(): { host: string; port: number } {
    return { host: '127.0.0.1', port: this.port };
  }

  async start(): Promise<void> {
    await this.listen(0);
    this.port = (this.server!.address() as AddressInfo).port;
  }

  /** Stops listening at once; the server's 'close' only comes once the open connections end, so it is not awaited. */
  refuseNewConnections(): void {
    this.server?.close();
    this.server = undefined;
  }

  /** Refuses new connections and drops the open ones. */
  cut(): void {
    this.refuseNewConnections();
    for (const socket of this.sockets) socket.destroy();
  }

  acceptAgain(): Promise<void> {
    return this.listen(this.port);
  }

  private listen(port: number): Promise<void> {
    const server = createServer((client) => this.forward(client));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  }

  private forward(client: Socket): void {
    const upstream = createConnection(this.target);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ]) {
      this.sockets.add(from);
      from.pipe(to);
      from.on('error', () => to.destroy());
      from.on('close', () => {
        this.sockets.delete(from);
        to.destroy();
      });
    }
  }
}
