import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pinoHttp, type Options } from 'pino-http';
import { createLoggerParams, redactRequestUrl } from './logger-options';

const SECRET = 'sekret-7f3c91';

/** Serves one request through pino-http with our options and returns the JSON lines it logged. */
async function logOneRequest(path: string, headers: Record<string, string>, responseHeaders: Record<string, string>) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(
        ...chunk
          .toString('utf8')
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as Record<string, unknown>),
      );
      done();
    },
  });
  const options = createLoggerParams({ app: 'gateway', log: { level: 'info', format: 'json' } }).pinoHttp as Options;
  const logger = pinoHttp(options, sink);
  const server = createServer((req, res) => {
    logger(req, res);
    // setHeader, not writeHead: pino's response serializer reads res.getHeaders().
    for (const [name, value] of Object.entries(responseHeaders)) res.setHeader(name, value);
    res.end('{}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as AddressInfo;
    await (await fetch(`http://127.0.0.1:${port}${path}`, { headers })).text();
  } finally {
    server.close();
  }
  return lines;
}

describe(createLoggerParams.name, () => {
  it('logs the request but none of its credentials', async () => {
    const lines = await logOneRequest(
      `/users?page=2&access_token=${SECRET}`,
      { authorization: `Bearer ${SECRET}`, cookie: `session=${SECRET}`, 'x-api-key': SECRET },
      { 'set-cookie': `session=${SECRET}; HttpOnly` },
    );

    expect(lines).toHaveLength(1);
    const [line] = lines as [{ req: { url: string; headers: Record<string, string> }; res: { headers: object } }];
    expect(line.req.url).toBe('/users?page=2&access_token=REDACTED');
    expect(line.req.headers).toMatchObject({
      authorization: '[Redacted]',
      cookie: '[Redacted]',
      'x-api-key': '[Redacted]',
    });
    expect(line.res.headers).toMatchObject({ 'set-cookie': '[Redacted]' });
    expect(JSON.stringify(lines)).not.toContain(SECRET);
  });
});

describe(redactRequestUrl.name, () => {
  it("redacts Express's parsed query as well as the url", () => {
    const sut = redactRequestUrl;

    expect(sut({ method: 'GET', url: '/x?token=t&a=1', query: { token: 't', a: '1' } })).toEqual({
      method: 'GET',
      url: '/x?token=REDACTED&a=1',
      query: { token: 'REDACTED', a: '1' },
    });
  });
});
