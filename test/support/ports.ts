import { createServer } from 'node:net';

// Below Linux's ephemeral range (32768-60999), so an outgoing connection cannot take a port between the moment
// it is picked and the moment the app listens on it; never the same port twice in one test process.
const FIRST_PORT = 20_000;
const LAST_PORT = 32_000;
const handedOut = new Set<number>();

/** A port on loopback that nothing listens on now and that this test process has not handed out before. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = FIRST_PORT + Math.floor(Math.random() * (LAST_PORT - FIRST_PORT));
    if (handedOut.has(port) || !(await canListen(port))) continue;
    handedOut.add(port);
    return port;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
