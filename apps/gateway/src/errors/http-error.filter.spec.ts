import { CreateUserRequest, DomainError, ERROR_CODES, type ErrorCode, validationOptions } from '@app/contracts';
import {
  BadRequestException,
  HttpException,
  InternalServerErrorException,
  Logger,
  NotFoundException,
  ValidationPipe,
} from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { trace } from '@opentelemetry/api';
import { useTestTracing } from '@app/tracing/testing';
import { ERROR_STATUS } from './error-status';
import { HttpErrorFilter } from './http-error.filter';

const BODY_KEYS = ['error', 'message', 'requestId', 'statusCode', 'traceId'];

interface FakeResponse {
  status: jest.Mock<FakeResponse, [number]>;
  json: jest.Mock<FakeResponse, [unknown]>;
}

/** An Express-like response that records what the filter sent. */
function fakeResponse(): FakeResponse {
  const response: FakeResponse = {
    status: jest.fn((_code: number) => response),
    json: jest.fn((_body: unknown) => response),
  };
  return response;
}

describe(HttpErrorFilter.name, () => {
  let sut: HttpErrorFilter;
  let loggedError: jest.SpyInstance;
  let loggedWarning: jest.SpyInstance;

  beforeEach(() => {
    sut = new HttpErrorFilter();
    loggedError = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    loggedWarning = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  /** Runs the filter as Nest would for an HTTP request and returns the status and body it sent. */
  function handle(exception: unknown, request: { id?: string } = { id: 'req-1' }) {
    const response = fakeResponse();
    const next = jest.fn();
    const host = new ExecutionContextHost([request, response, next]);
    host.setType('http');

    sut.catch(exception, host);

    expect(response.status).toHaveBeenCalledTimes(1);
    expect(response.json).toHaveBeenCalledTimes(1);
    expect(next).not.toHaveBeenCalled();
    const [status] = response.status.mock.calls[0];
    const [body] = response.json.mock.calls[0] as [Record<string, unknown>];
    expect(body.statusCode).toBe(status);
    return { status, body };
  }

  describe('DomainError', () => {
    it.each(ERROR_CODES)('maps %s to an HTTP error status through ERROR_STATUS', (code) => {
      const { status } = handle(new DomainError(code, 'something went wrong'));

      expect(status).toBe(ERROR_STATUS[code]);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(600);
    });

    it.each<[ErrorCode, number, string]>([
      ['VALIDATION_FAILED', 400, 'Bad Request'],
      ['USER_NOT_FOUND', 404, 'Not Found'],
      ['ORDER_NOT_FOUND', 404, 'Not Found'],
      ['USER_EMAIL_TAKEN', 409, 'Conflict'],
      ['ORDER_IDEMPOTENCY_KEY_REUSED', 409, 'Conflict'],
      ['ORDER_USER_UNKNOWN', 422, 'Unprocessable Entity'],
    ])('answers %s with %i %s and the error message', (code, statusCode, error) => {
      const { body } = handle(new DomainError(code, 'a message safe to show'));

      expect(body).toStrictEqual({
        statusCode,
        error,
        message: 'a message safe to show',
        traceId: null,
        requestId: 'req-1',
      });
      expect(loggedError).not.toHaveBeenCalled();
    });

    it.each<[ErrorCode, number, string, string]>([
      ['SERVICE_UNAVAILABLE', 503, 'Service Unavailable', 'A service this request needs is unavailable'],
      ['SERVICE_TIMEOUT', 504, 'Gateway Timeout', 'A service this request needs did not answer in time'],
      ['INTERNAL', 500, 'Internal Server Error', 'Internal server error'],
    ])('answers %s with %i %s and a public message instead of its own', (code, statusCode, error, message) => {
      const exception = new DomainError(code, 'connect ECONNREFUSED 10.0.3.7:4001');

      const { body } = handle(exception);

      expect(body).toStrictEqual({ statusCode, error, message, traceId: null, requestId: 'req-1' });
      expect(JSON.stringify(body)).not.toContain('ECONNREFUSED');
      // A chosen answer, not a bug: a warning with the cause, no error.
      expect(loggedWarning).toHaveBeenCalledWith({ err: exception }, `request answered ${statusCode}`);
      expect(loggedError).not.toHaveBeenCalled();
    });
  });

  describe('HttpException', () => {
    it("joins the message list of a ValidationPipe's BadRequestException into one string", () => {
      const { body } = handle(new BadRequestException(['email must be an email', 'name must be a string']));

      expect(body).toStrictEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: 'email must be an email; name must be a string',
        traceId: null,
        requestId: 'req-1',
      });
    });

    it("joins the messages of the gateway's real ValidationPipe", async () => {
      const pipe = new ValidationPipe(validationOptions());
      const rejection: unknown = await pipe
        .transform({ email: 'not-an-email', name: '', admin: true }, { type: 'body', metatype: CreateUserRequest })
        .catch((caught: unknown) => caught);
      expect(rejection).toBeInstanceOf(BadRequestException);
      const messages = ((rejection as BadRequestException).getResponse() as { message: string[] }).message;
      expect(messages.length).toBeGreaterThan(1);

      const { status, body } = handle(rejection);

      expect(status).toBe(400);
      expect(body.message).toBe(messages.join('; '));
    });

    it('passes a plain 4xx message through', () => {
      const { body } = handle(new NotFoundException('Cannot GET /nope'));

      expect(body).toMatchObject({ statusCode: 404, error: 'Not Found', message: 'Cannot GET /nope' });
    });

    it('hides the message of a 5xx HttpException', () => {
      const { body } = handle(new InternalServerErrorException('pool exhausted at db-2'));

      expect(body).toMatchObject({ statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' });
      expect(JSON.stringify(body)).not.toContain('db-2');
    });
  });

  describe("body-parser's client errors", () => {
    const bodyError = (status: number, type: string, message: string, expose = true) =>
      Object.assign(new Error(message), { status, statusCode: status, expose, type });

    it.each([
      [413, 'entity.too.large', 'request entity too large'],
      [400, 'entity.parse.failed', 'Unexpected end of JSON input'],
      [415, 'charset.unsupported', 'unsupported charset "UTF-7"'],
    ])('answers %i with its own (exposable) message', (status, type, message) => {
      const { body } = handle(bodyError(status, type, message));

      expect(body).toMatchObject({ statusCode: status, message });
      expect(loggedError).not.toHaveBeenCalled();
    });

    it('treats an error not marked exposable as a bug: 500, message hidden', () => {
      const { body } = handle(bodyError(400, 'stream.not.readable', 'internal stream detail', false));

      expect(body).toMatchObject({ statusCode: 500, message: 'Internal server error' });
    });
  });

  describe('any other error', () => {
    it.each([
      ['an Error', new Error('password authentication failed for user "orders"')],
      ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'password')")],
      ['a thrown string', 'password=hunter2'],
      ['undefined', undefined],
    ])('answers %s with 500 and the generic message, never its own', (_kind, exception) => {
      const { body } = handle(exception);

      expect(body).toStrictEqual({
        statusCode: 500,
        error: 'Internal Server Error',
        message: 'Internal server error',
        traceId: null,
        requestId: 'req-1',
      });
      expect(JSON.stringify(body)).not.toContain('password');
    });

    it('logs the cause, which the body leaves out', () => {
      const exception = new Error('password authentication failed');

      handle(exception);

      expect(loggedError).toHaveBeenCalledTimes(1);
      expect(loggedError).toHaveBeenCalledWith({ err: exception }, 'request failed with 500');
    });
  });

  describe('the body', () => {
    it.each([
      ['a DomainError', new DomainError('USER_NOT_FOUND', 'gone')],
      ['a 5xx DomainError', new DomainError('SERVICE_TIMEOUT', 'slow')],
      ['a validation error', new BadRequestException(['a', 'b'])],
      ['an HttpException with an object response', new HttpException({ reason: 'teapot' }, 418)],
      ['an unknown error', new Error('boom')],
    ])('has exactly statusCode, error, message, traceId and requestId for %s', (_kind, exception) => {
      const { body } = handle(exception);

      expect(Object.keys(body).sort()).toEqual(BODY_KEYS);
      expect(typeof body.message).toBe('string');
      expect(typeof body.error).toBe('string');
    });

    it('carries the request id from request.id', () => {
      const { body } = handle(new Error('boom'), { id: '7f3c-request' });

      expect(body.requestId).toBe('7f3c-request');
    });

    it('has a null requestId when the request has none', () => {
      const { body } = handle(new Error('boom'), {});

      expect(body.requestId).toBeNull();
    });
  });

  describe('with tracing', () => {
    const tracing = useTestTracing();

    it("carries the active span's trace id", () => {
      const tracer = tracing.provider.getTracer('http-error.filter.spec');

      const { traceId, body } = tracer.startActiveSpan('GET /users/:id', (span) => {
        try {
          return { traceId: span.spanContext().traceId, body: handle(new DomainError('USER_NOT_FOUND', 'gone')).body };
        } finally {
          span.end();
        }
      });

      expect(traceId).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
      expect(body.traceId).toBe(traceId);
    });

    /** Handles the exception inside an HTTP span, as the gateway does, and returns that span once ended. */
    function handleInSpan(exception: unknown) {
      const tracer = tracing.provider.getTracer('http-error.filter.spec');
      tracer.startActiveSpan('GET /users/:id', (span) => {
        handle(exception);
        span.end();
      });
      return tracing.onlySpan('GET /users/:id');
    }

    it('records an unexpected error on the active span, where the trace shows it', () => {
      const span = handleInSpan(new TypeError('cannot read properties of undefined'));

      expect(span.events).toHaveLength(1);
      expect(span.events[0].name).toBe('exception');
      expect(span.events[0].attributes).toMatchObject({
        'exception.type': 'TypeError',
        'exception.message': 'cannot read properties of undefined',
      });
    });

    it('records no exception for an answer someone chose, a 4xx or a 503', () => {
      for (const chosen of [
        new DomainError('USER_NOT_FOUND', 'gone'),
        new DomainError('SERVICE_UNAVAILABLE', 'down'),
        new BadRequestException('bad'),
      ]) {
        expect(handleInSpan(chosen).events).toEqual([]);
        tracing.exporter.reset();
      }
    });

    it('has a null traceId when no span is active', () => {
      expect(trace.getActiveSpan()).toBeUndefined();

      const { body } = handle(new DomainError('USER_NOT_FOUND', 'gone'));

      expect(body.traceId).toBeNull();
    });
  });
});
