// A live OTLP/HTTP endpoint for the `on` and `sampled` modes: it reads each export and answers 200 like a healthy
// Collector, counting requests and bytes but not parsing them. It runs in a process of its own, as a Collector would:
// in the bench's process it would share an event loop with the load generator and slow the load down in exactly the
// modes that export, which made `on` look worse than `backend-down`.
//
//   node tools/bench/otlp-sink.mts   prints {"ready":true,"url":...} once it listens; on SIGTERM it prints
//                                    {"requests":n,"bytes":n} and exits.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';

export interface SinkTotals {
  requests: number;
  bytes: number;
}

/** The sink's process, seen from the bench. */
export class OtlpSink {
  private child?: ChildProcess;
  private lines?: AsyncIterator<string>;

  /** Starts the sink's process and resolves with its URL once it listens. */
  async start(): Promise<string> {
    const child = spawn(process.execPath, [import.meta.filename], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.child = child;
    this.lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const ready = JSON.parse(await this.nextLine()) as { ready: boolean; url: string };
    return ready.url;
  }

  /** Stops it and resolves with what it received. */
  async stop(): Promise<SinkTotals> {
    const child = this.child;
    if (!child || child.exitCode !== null) return { requests: 0, bytes: 0 };
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const totals = JSON.parse(await this.nextLine()) as SinkTotals;
    await exited;
    return totals;
  }

  private async nextLine(): Promise<string> {
    const next = await this.lines!.next();
    if (next.done) throw new Error('the OTLP sink exited before it answered');
    return next.value;
  }
}

function serve(): void {
  const totals: SinkTotals = { requests: 0, bytes: 0 };
  const server = createServer((request, response) => {
    request.on('data', (chunk: Buffer) => (totals.bytes += chunk.length));
    request.on('end', () => {
      totals.requests++;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    console.log(JSON.stringify({ ready: true, url: `http://127.0.0.1:${port}` }));
  });
  process.once('SIGTERM', () => {
    console.log(JSON.stringify(totals));
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}

if (import.meta.main) serve();
