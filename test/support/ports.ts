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

/**
 * A free port `p` such that `p + 10·n` is free too for each replica n < `replicas`: `npm run dev` gives replica n of
 * a service its HTTP port + 10·n.
 */
export async function freePortForReplicas(replicas: number): Promise<number> {
  for (;;) {
    const port = await freePort();
    const others = Array.from({ length: replicas - 1 }, (_, index) => port + 10 * (index + 1));
    if (others.some((other) => handedOut.has(other))) continue;
    if (!(await Promise.all(others.map(canListen))).every(Boolean)) continue;
    others.forEach((other) => handedOut.add(other));
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
