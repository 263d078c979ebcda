import type { Server as HttpServer, ServerResponse } from 'node:http';
import { Server as NetServer } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { gracefulServers } from './graceful-server';

/**
 * Returns the drain that stops an app's servers before Nest's own close runs: Nest calls the modules' destroy hooks
 * (closing the RPC clients and the Prisma pools) before it closes its servers, so a request that still arrived
 * would find its clients gone and answer 503, possibly for work it had already committed.
 *
 * Call it right after NestFactory.create, so it sees every response. Draining:
 * - the microservices (GracefulServer) refuse new requests, finish what they took and write the replies;
 * - the HTTP server stops accepting, every response not yet sent carries `Connection: close`, so a kept-alive client
 *   takes its next request elsewhere instead of having it cut off, and connections still idle after a grace are
 *   closed. It resolves once the last connection has closed.
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
      stopListening(server),
    ]);
  };
}

/** How long a kept-alive connection may stay idle once draining, before it is closed. */
const IDLE_GRACE_MS = 1000;

/**
 * Stops accepting connections and resolves once the open ones have closed. Not http.Server#close: since Node 19 it
 * also destroys every idle kept-alive connection at once, and on a busy server "idle" includes a connection whose next
 * request already sits unread in the kernel's buffer: its client saw ECONNRESET for a request it had sent. net.Server's
 * own close stops accepting and leaves the connections be: a request read within the grace is answered with
 * `Connection: close`, and only a connection idle through the whole grace is closed, as http.Server#close would.
 */
async function stopListening(server: HttpServer): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
  const grace = setTimeout(() => server.closeIdleConnections(), IDLE_GRACE_MS);
  await closed;
  clearTimeout(grace);
}

function closeAfter(response: ServerResponse): void {
  if (!response.headersSent) response.setHeader('connection', 'close');
}
