export * from './redact-url';
export * from './sensitive-names';
