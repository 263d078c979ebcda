export { TRACER_NAME } from './span-scope';
export { Traced } from './traced.decorator';
export type { TracedOptions } from './traced.decorator';
