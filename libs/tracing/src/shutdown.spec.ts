import type { INestApplication, LoggerService } from '@nestjs/common';
import { shutDown } from './shutdown';

function logger(): LoggerService & { errors: unknown[]; warnings: unknown[] } {
  const errors: unknown[] = [];
  const warnings: unknown[] = [];
  return {
    errors,
    warnings,
    log: () => undefined,
    warn: (message: unknown) => warnings.push(message),
    error: (message: unknown) => errors.push(message),
  };
}
const flushed = () => Promise.resolve();

describe(shutDown.name, () => {
  it('closes the app, then exits 0', async () => {
    const order: string[] = [];
    const app = { close: () => Promise.resolve(order.push('closed')).then(() => undefined) } as INestApplication;

    await shutDown(app, logger(), {
      timeoutMs: 1000,
      exit: (code) => order.push(`exit ${code}`),
      flushTelemetry: () => Promise.resolve(order.push('flushed')).then(() => undefined),
    });

    expect(order).toEqual(['closed', 'flushed', 'exit 0']);
  });

  it('still exits 0 when closing fails, and logs why', async () => {
    const sut = logger();
    const exits: number[] = [];
    const app = { close: () => Promise.reject(new Error('pool already closed')) } as unknown as INestApplication;

    await shutDown(app, sut, { timeoutMs: 1000, exit: (code) => exits.push(code), flushTelemetry: flushed });

    expect(exits).toEqual([0]);
    expect(sut.errors).toHaveLength(1);
  });

  it('gives up a flush that hangs before the deadline, warns, and still exits 0', async () => {
    jest.useFakeTimers();
    try {
      const sut = logger();
      const exits: number[] = [];
      const app = { close: () => Promise.resolve() } as INestApplication;

      const done = shutDown(app, sut, {
        timeoutMs: 5000,
        exit: (code) => exits.push(code),
        flushTelemetry: () => new Promise<void>(() => undefined),
      });
      await jest.advanceTimersByTimeAsync(4500);
      await done;

      expect(exits).toEqual([0]);
      expect(sut.warnings).toEqual([expect.stringContaining('spans not flushed')]);
      await jest.advanceTimersByTimeAsync(1000);
      expect(exits).toEqual([0]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('exits 1 when closing hangs past the timeout', () => {
    jest.useFakeTimers();
    try {
      const sut = logger();
      const exits: number[] = [];
      const app = { close: () => new Promise<void>(() => undefined) } as INestApplication;

      void shutDown(app, sut, { timeoutMs: 5000, exit: (code) => exits.push(code), flushTelemetry: flushed });
      jest.advanceTimersByTime(4999);
      expect(exits).toEqual([]);
      jest.advanceTimersByTime(1);

      expect(exits).toEqual([1]);
      expect(sut.errors).toEqual(['shutdown did not finish within 5000 ms, exiting']);
    } finally {
      jest.useRealTimers();
    }
  });
});
