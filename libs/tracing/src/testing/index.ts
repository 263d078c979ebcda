// Test helpers, imported as `@app/tracing/testing`; not part of the runtime index.
export * from './test-tracing';
export * from './span-conventions';
