// A live OTLP/HTTP endpoint for the `on` and `sampled` modes: it reads each export and answers 200 like a healthy
// Collector, counting requests and bytes but not parsing them, so it costs the shared CPU as little as it can.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export class OtlpSink {
  requests = 0;
  bytes = 0;
  private server?: Server;

  async start(): Promise<string> {
    const server = createServer((request, response) => {
      request.on('data', (chunk: Buffer) => (this.bytes += chunk.length));
      request.on('end', () => {
        this.requests++;
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A loopback port nothing listens on (bound, then closed), so connections to it are refused. */
export async function refusingPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
