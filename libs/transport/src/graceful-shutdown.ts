import type { Server as HttpServer, ServerResponse } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { gracefulServers } from './graceful-server';

/**
 * Returns the drain that stops an app's servers before Nest's own close runs: Nest calls the modules' destroy hooks
 * (closing the RPC clients and the Prisma pools) before it closes its servers, so a request that still arrived
 * would find its clients gone and answer 503, possibly for work it had already committed.
 *
 * Call it right after NestFactory.create, so it sees every response. Draining:
 * - the microservices (GracefulServer) refuse new requests, finish what they took and write the replies;
 * - the HTTP server stops accepting and closes its idle kept-alive connections (Node's server.close), and every
 *   response not yet sent carries `Connection: close`, so a kept-alive client takes its next request elsewhere
 *   instead of having it cut off. It resolves once the last connection has closed.
 */
export function shutdownDrain(app: INestApplication): () => Promise<void> {
  const server = app.getHttpServer() as HttpServer;
  const unsent = new Set<ServerResponse>();
  let draining = false;
  // Node has no hook to stop keep-alive on responses already being prepared, hence this small tracking.
  server.prependListener('request', (_request, response: ServerResponse) => {
    if (draining) return closeAfter(response);
    unsent.add(response);
    response.once('finish', () => unsent.delete(response)).once('close', () => unsent.delete(response));
  });
  return async () => {
    draining = true;
    unsent.forEach(closeAfter);
    await Promise.all([
      // The transport servers, not app.getMicroservices()'s close: that would also run every module's destroy hook.
      ...[...gracefulServers].map((server) => server.close()),
      new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve())),
    ]);
  };
}

function closeAfter(response: ServerResponse): void {
  if (!response.headersSent) response.setHeader('connection', 'close');
}
