export * from './redact-fields';
export * from './redact-url';
export * from './sensitive-names';
