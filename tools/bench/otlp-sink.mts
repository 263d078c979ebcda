// A live OTLP/HTTP endpoint for the `on` and `sampled` modes: it answers each export 200 like a healthy Collector,
// counting requests and bytes but not parsing them. It runs in a process of its own, as a Collector would: in the
// bench's process it would share an event loop with the load generator and slow the load down in exactly the modes
// that export, which made `on` look worse than `backend-down`. Over IPC it sends its URL, then its totals on `stop`.
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

type SinkTotals = { requests: number; bytes: number };

/** Forks the sink and resolves once it listens, with its URL and the stop that resolves with what it received. */
export async function startOtlpSink(): Promise<{ url: string; stop(): Promise<SinkTotals> }> {
  const child = fork(import.meta.filename, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const url = await nextMessage<string>(child);
  const stop = async () => {
    if (!child.connected) return { requests: 0, bytes: 0 };
    const answered = Promise.all([nextMessage<SinkTotals>(child), once(child, 'exit')]);
    child.send('stop');
    return (await answered)[0];
  };
  return { url, stop };
}

function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(message as T));
    child.once('exit', () => reject(new Error('the OTLP sink exited before it answered')));
  });
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
  server.listen(0, '127.0.0.1', () => process.send!(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  process.once('message', () => {
    server.closeAllConnections();
    server.close();
    // The process ends once the channel is closed too.
    process.send!(totals, () => process.disconnect());
  });
}

if (import.meta.main) serve();
