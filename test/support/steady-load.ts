import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';

/** What one request of the load got: an answer, or the network error code (ECONNREFUSED, ECONNRESET…). */
export interface Outcome {
  /** Sent as x-request-id: the server logs it for every request it reads, so a test can tell what it accepted. */
  requestId: string;
  /** What was sent. */
  spec: RequestSpec;
  status?: number;
  body?: Record<string, unknown>;
  traceresponse?: string;
  /** The answer's Connection header: `close` when the server asks the client not to reuse the connection. */
  connection?: string;
  error?: string;
  startedAt: number;
  endedAt: number;
}

export interface RequestSpec {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * Sends one request, on a connection of its own by default (`agent: false`), or on `agent`'s kept-alive one. A
 * refused connect means "not accepted"; a reset means a request lost (or a kept-alive connection closed under it).
 */
export function send(baseUrl: string, spec: RequestSpec, agent: Agent | false = false): Promise<Outcome> {
  const { method, path, body, headers = {} } = spec;
  const startedAt = performance.now();
  const requestId = randomUUID();
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve) => {
    const call = request(
      `${baseUrl}${path}`,
      {
        method,
        agent,
        headers: {
          ...headers,
          'x-request-id': requestId,
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            requestId,
            spec,
            status: response.statusCode,
            body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : undefined,
            traceresponse: response.headers.traceresponse as string | undefined,
            connection: response.headers.connection,
            startedAt,
            endedAt: performance.now(),
          });
        });
        response.on('error', (error: NodeJS.ErrnoException) =>
          resolve({ requestId, spec, error: error.code ?? error.message, startedAt, endedAt: performance.now() }),
        );
      },
    );
    call.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ requestId, spec, error: error.code ?? error.message, startedAt, endedAt: performance.now() }),
    );
    call.end(payload);
  });
}

/**
 * `concurrency` clients, each on a kept-alive connection of its own (as a browser or a service's HTTP client
 * would), sending the next request as soon as the last one is answered, until `stop()`. A client whose connection
 * is refused stops too: the server is gone, and it would only spin.
 */
export class SteadyLoad {
  readonly outcomes: Outcome[] = [];
  private stopped = false;
  private readonly clients: Promise<void>[];

  constructor(baseUrl: string, concurrency: number, next: (sent: number) => RequestSpec) {
    let sent = 0;
    this.clients = Array.from({ length: concurrency }, async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      while (!this.stopped) {
        const outcome = await send(baseUrl, next(sent++), agent);
        this.outcomes.push(outcome);
        if (outcome.error === 'ECONNREFUSED') break;
      }
      agent.destroy();
    });
  }

  /** Requests that got no answer for another reason than a refused connection: resets, hang-ups. */
  lost(): Outcome[] {
    return this.outcomes.filter((outcome) => outcome.error && outcome.error !== 'ECONNREFUSED');
  }

  answered(status: number): Outcome[] {
    return this.outcomes.filter((outcome) => outcome.status === status);
  }

  async stop(): Promise<Outcome[]> {
    this.stopped = true;
    await Promise.all(this.clients);
    return this.outcomes;
  }
}
