import { randomUUID } from 'node:crypto';
import { request } from 'node:http';

/** What one request of the load got: an answer, or the network error code (ECONNREFUSED, ECONNRESET…). */
export interface Outcome {
  /** Sent as x-request-id: the server logs it for every request it reads, so a test can tell what it accepted. */
  requestId: string;
  status?: number;
  body?: Record<string, unknown>;
  traceresponse?: string;
  error?: string;
  startedAt: number;
  endedAt: number;
}

export interface RequestSpec {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

/**
 * Sends one request on a connection of its own (`agent: false`). A kept-alive connection could be closed by the
 * server between two requests, and the client could not tell that apart from a request the server dropped; with a
 * fresh connection, a refused connect means "not accepted" and anything else is an answer or a lost request.
 */
export function send(baseUrl: string, { method, path, body }: RequestSpec): Promise<Outcome> {
  const startedAt = performance.now();
  const requestId = randomUUID();
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve) => {
    const call = request(
      `${baseUrl}${path}`,
      {
        method,
        agent: false,
        headers: {
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
            status: response.statusCode,
            body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : undefined,
            traceresponse: response.headers.traceresponse as string | undefined,
            startedAt,
            endedAt: performance.now(),
          });
        });
        response.on('error', (error: NodeJS.ErrnoException) =>
          resolve({ requestId, error: error.code ?? error.message, startedAt, endedAt: performance.now() }),
        );
      },
    );
    call.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ requestId, error: error.code ?? error.message, startedAt, endedAt: performance.now() }),
    );
    call.end(payload);
  });
}

/**
 * `concurrency` clients, each sending the next request as soon as the last one is answered, until `stop()`.
 * A client whose connection is refused stops too: the server is gone, and it would only spin.
 */
export class SteadyLoad {
  readonly outcomes: Outcome[] = [];
  private stopped = false;
  private readonly clients: Promise<void>[];

  constructor(baseUrl: string, concurrency: number, next: (sent: number) => RequestSpec) {
    let sent = 0;
    this.clients = Array.from({ length: concurrency }, async () => {
      while (!this.stopped) {
        const outcome = await send(baseUrl, next(sent++));
        this.outcomes.push(outcome);
        if (outcome.error === 'ECONNREFUSED') return;
      }
    });
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
