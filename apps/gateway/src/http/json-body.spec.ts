import { gzipSync } from 'node:zlib';
import { Body, Controller, Logger, Post } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { HttpErrorFilter } from '../errors/http-error.filter';
import { MAX_JSON_DEPTH, useJsonBody } from './json-body';

@Controller()
class EchoController {
  @Post('echo')
  echo(@Body() body: unknown): unknown {
    return body;
  }
}

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe(useJsonBody.name, () => {
  let app: NestExpressApplication;
  let url: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [EchoController] }).compile();
    app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, logger: false });
    app.useGlobalFilters(new HttpErrorFilter());
    useJsonBody(app);
    await app.listen(0, '127.0.0.1');
    url = `${await app.getUrl()}/echo`;
  });

  let loggedError: jest.SpyInstance;

  beforeEach(() => {
    loggedError = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    // The filter logs errors it takes for bugs (500s); none of these requests is one.
    expect(loggedError).not.toHaveBeenCalled();
    jest.restoreAllMocks();
  });

  afterAll(() => app.close());

  async function post(body: string | Buffer, headers: Record<string, string> = {}) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('parses an ordinary body, plain or gzip-encoded', async () => {
    const order = JSON.stringify({ items: [{ sku: 'A-1', quantity: 1 }] });

    expect(await post(order)).toEqual({ status: 201, body: JSON.parse(order) });
    expect(await post(gzipSync(order), { 'content-encoding': 'gzip' })).toEqual({
      status: 201,
      body: JSON.parse(order),
    });
  });

  it.each([
    ['a NUL in a string', '{"name":"Ada\\u0000L"}', 'body.name must not contain NUL (\\u0000) characters'],
    ['a NUL deep in an array', '{"items":[{"sku":"\\u0000"}]}', 'body.items[0].sku must not contain NUL'],
    ['a NUL in a key', '{"na\\u0000me":"Ada"}', 'a key of body contains a NUL (\\u0000) character'],
    ['a __proto__ key', '{"a":{"__proto__":{"admin":true}}}', '"__proto__" is not allowed in a request body'],
    ['a constructor key', '{"constructor":{}}', '"constructor" is not allowed in a request body'],
    ['nesting a few thousand levels deep', nested(5000), `nested deeper than ${MAX_JSON_DEPTH} levels`],
    ['nesting one level too deep', nested(MAX_JSON_DEPTH + 1), `nested deeper than ${MAX_JSON_DEPTH} levels`],
  ])('answers 400 to %s, with a message that names the problem', async (_case, body, message) => {
    const result = await post(body);

    expect(result.status).toBe(400);
    expect(result.body.message).toContain(message);
    expect(result.body.message).not.toMatch(/call stack/i);
  });

  it('accepts nesting up to the limit', async () => {
    expect((await post(nested(MAX_JSON_DEPTH))).status).toBe(201);
  });

  it.each(['gzip', 'deflate', 'br'])('answers 400 to a body that is not the %s it says it is', async (encoding) => {
    const result = await post('{"name":"Ada"}', { 'content-encoding': encoding });

    expect(result).toEqual({
      status: 400,
      body: expect.objectContaining({
        statusCode: 400,
        message: 'the request body does not decode as its Content-Encoding says',
      }),
    });
  });

  it('answers 400 to a gzip body cut short', async () => {
    const truncated = gzipSync('{"name":"Ada"}').subarray(0, 12);

    expect((await post(truncated, { 'content-encoding': 'gzip' })).status).toBe(400);
  });

  it('answers 415 to an encoding it does not support', async () => {
    const result = await post('{}', { 'content-encoding': 'compress' });

    expect(result.status).toBe(415);
    expect(result.body.message).toBe('unsupported content encoding "compress"');
  });
});
