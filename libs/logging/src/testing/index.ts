// Test helpers, imported as `@app/logging/testing`; not part of the runtime index.
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export interface LogEntry {
  level: LogLevel;
  args: unknown[];
}

/** Stands in for nestjs-pino's PinoLogger and keeps every call, so tests can assert what was logged. */
export function recordingLogger() {
  const entries: LogEntry[] = [];
  const at =
    (level: LogLevel) =>
    (...args: unknown[]): void => {
      entries.push({ level, args });
    };
  return {
    entries,
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    fatal: at('fatal'),
  };
}
