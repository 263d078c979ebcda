import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pinoHttp, type Options } from 'pino-http';
import { createLoggerParams } from './logger-options';

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

const CREDENTIAL_HEADERS = {
  authorization: `Bearer ${SECRET}`,
  cookie: `session=${SECRET}`,
  'x-api-key': SECRET,
  'x-auth-token': SECRET,
  'x-access-token': SECRET,
  'x-csrf-token': SECRET,
  'x-amz-security-token': SECRET,
  authentication: SECRET,
};

type AccessLine = { req: Record<string, unknown>; res: Record<string, unknown>; request_id: string };

describe(createLoggerParams.name, () => {
  it('logs what an operator needs about a request, and none of its headers', async () => {
    const lines = await logOneRequest(
      '/users?page=2',
      { 'user-agent': 'probe/1.0', baggage: `k=${'v'.repeat(8000)}`, ...CREDENTIAL_HEADERS },
      // As Express's res.send sets it.
      { 'content-length': '2', 'content-security-policy': "default-src 'none'", 'x-frame-options': 'DENY' },
    );

    expect(lines).toHaveLength(1);
    const [line] = lines as [AccessLine];
    expect(line.req).toEqual({
      method: 'GET',
      url: '/users?page=2',
      userAgent: 'probe/1.0',
      remoteAddress: '127.0.0.1',
    });
    expect(line.res).toEqual({ statusCode: 200, contentLength: 2 });
    expect(line).toHaveProperty('responseTime');
    expect(JSON.stringify(line)).not.toMatch(/vvvv|default-src|DENY/);
  });

  it('leaves no credential of the URL in the line, by name or as userinfo', async () => {
    const next = encodeURIComponent(`https://ada:${SECRET}@shop.example/`);
    const lines = await logOneRequest(
      `/users?sessionid=${SECRET}&jwt=${SECRET}&auth=${SECRET}&access_token=${SECRET}&next=${next}&page=2`,
      CREDENTIAL_HEADERS,
      { 'set-cookie': `session=${SECRET}; HttpOnly` },
    );

    const [line] = lines as [AccessLine];
    expect(line.req.url).toBe(
      `/users?sessionid=REDACTED&jwt=REDACTED&auth=REDACTED&access_token=REDACTED&next=${encodeURIComponent(
        'https://REDACTED:REDACTED@shop.example/',
      )}&page=2`,
    );
    expect(JSON.stringify(lines)).not.toContain(SECRET);
  });
});

describe('the application log', () => {
  /** A pino logger with our options, writing to memory. */
  function applicationLogger() {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
        done();
      },
    });
    const { pinoHttp: options } = createLoggerParams({ app: 'user', log: { level: 'info', format: 'json' } }) as {
      pinoHttp: Options;
    };
    return { logger: pinoHttp(options, sink).logger, lines };
  }

  it('redacts credential-like fields at any depth, and userinfo in URL-valued strings', () => {
    const { logger, lines } = applicationLogger();

    logger.info(
      {
        userId: 'u-1',
        user: { email: 'ada@example.com', password: SECRET, settings: { apiKey: SECRET } },
        sessionToken: SECRET,
        callback: `https://bot:${SECRET}@hooks.example/in`,
      },
      'user created',
    );

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      msg: 'user created',
      userId: 'u-1',
      user: { email: 'ada@example.com', password: 'REDACTED', settings: { apiKey: 'REDACTED' } },
      sessionToken: 'REDACTED',
      callback: 'https://REDACTED:REDACTED@hooks.example/in',
    });
    expect(JSON.stringify(lines)).not.toContain(SECRET);
  });
});
