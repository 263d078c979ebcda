// The entry point each app's tracing.ts imports first. It must load nothing that gets instrumented.
export { shutdownTracing, startTracing, type TracingOptions } from './start-tracing';
export { UNTRACED_PATHS, isUntracedPath } from './untraced-paths';
