export { Traced } from './traced.decorator';
export type { TracedOptions } from './traced.decorator';
