/** Modules that are patched on load; if one is already in the require cache, its calls will not be traced. */
// @nestjs/core is patched by nothing, but it loads the app: if it is here, everything after it is too late.
// Not @grpc/grpc-js: @opentelemetry/sdk-node loads it itself, for its gRPC exporter (otlp-grpc-exporter-base 0.301
// requires it eagerly). instrumentation-grpc still patches it, on the app's first require of it: require-in-the-middle
// keeps a cache of its own. The grpc transport's span tree in test/order-flow.e2e-spec.ts shows its spans.
const INSTRUMENTED_MODULES = ['@nestjs/core', 'pg', 'pino', '@prisma/client'];

export class TracingStartedTooLateError extends Error {
  constructor(loaded: string[]) {
    super(
      `OpenTelemetry started after ${loaded.join(', ')} loaded, so they would not be traced. ` +
        `Import the app's tracing file on the first line of main.ts.`,
    );
    this.name = 'TracingStartedTooLateError';
  }
}

/** Fails start-up loudly instead of producing silently incomplete traces. */
export function assertNothingInstrumentedLoaded(cache: NodeJS.Dict<NodeModule> = require.cache): void {
  const paths = Object.keys(cache);
  const loaded = INSTRUMENTED_MODULES.filter((name) => paths.some((path) => path.includes(`/node_modules/${name}/`)));
  if (loaded.length > 0) throw new TracingStartedTooLateError(loaded);
}
