import { TracingStartedTooLateError, assertNothingInstrumentedLoaded } from './load-order';

/** A stand-in for require.cache holding these module files. */
const cacheOf = (...paths: string[]): NodeJS.Dict<NodeModule> =>
  Object.fromEntries(paths.map((path) => [path, undefined]));

describe(assertNothingInstrumentedLoaded.name, () => {
  it.each([
    ['@nestjs/core', '/x/node_modules/@nestjs/core/index.js'],
    ['pg', '/x/node_modules/pg/lib/client.js'],
    ['pino', '/x/node_modules/pino/pino.js'],
    ['@prisma/client', '/x/node_modules/@prisma/client/default.js'],
    ['pino', '/x/node_modules/nestjs-pino/node_modules/pino/pino.js'],
  ])('throws TracingStartedTooLateError naming %s when %s is loaded', (name, path) => {
    const sut = assertNothingInstrumentedLoaded;

    const call = () => sut(cacheOf('/x/dist/main.js', path));

    expect(call).toThrow(TracingStartedTooLateError);
    expect(call).toThrow(`OpenTelemetry started after ${name} loaded`);
  });

  it('names every instrumented module that is loaded', () => {
    const sut = assertNothingInstrumentedLoaded;

    const call = () =>
      sut(cacheOf('/x/node_modules/pg/lib/index.js', '/x/node_modules/pino/pino.js', '/x/node_modules/pg/lib/a.js'));

    expect(call).toThrow(new TracingStartedTooLateError(['pg', 'pino']).message);
  });

  it('tells how to fix it', () => {
    const sut = assertNothingInstrumentedLoaded;

    expect(() => sut(cacheOf('/x/node_modules/@nestjs/core/index.js'))).toThrow(
      "Import the app's tracing file on the first line of main.ts.",
    );
  });

  it('passes when only unrelated modules are loaded', () => {
    const sut = assertNothingInstrumentedLoaded;
    const cache = cacheOf(
      '/x/dist/apps/user/main.js',
      '/x/node_modules/@opentelemetry/api/build/src/index.js',
      '/x/node_modules/@nestjs/common/index.js',
      '/x/node_modules/express-session/index.js', // names that merely start like an instrumented one
      '/x/node_modules/pg-protocol/dist/index.js',
      '/x/node_modules/pino-http/logger.js',
      '/x/node_modules/@prisma/instrumentation/dist/index.js',
      '/x/src/express/handler.js', // not under node_modules
    );

    expect(() => sut(cache)).not.toThrow();
  });

  it('passes with an empty cache', () => {
    const sut = assertNothingInstrumentedLoaded;

    expect(() => sut({})).not.toThrow();
  });
});
