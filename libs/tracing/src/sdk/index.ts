// The entry point each app's tracing.ts imports first. It must load nothing that gets instrumented.
export { shutdownTracing, startTracing, type TracingOptions } from './start-tracing';
export {
  RANDOM_TRACE_ID_FLAG,
  W3CTraceContextLevel2Propagator,
  type W3CTraceContextLevel2Options,
} from '../propagators/w3c-trace-context-level2';
export { UNTRACED_PATHS, isUntracedPath } from './untraced-paths';
