import type { INestApplication, LoggerService } from '@nestjs/common';
import { shutDown } from './shutdown';

function logger(): LoggerService & { errors: unknown[] } {
  const errors: unknown[] = [];
  return { errors, log: () => undefined, warn: () => undefined, error: (message: unknown) => errors.push(message) };
}

describe(shutDown.name, () => {
  it('closes the app, then exits 0', async () => {
    const order: string[] = [];
    const app = { close: () => Promise.resolve(order.push('closed')).then(() => undefined) } as INestApplication;

    await shutDown(app, logger(), { timeoutMs: 1000, exit: (code) => order.push(`exit ${code}`) });

    expect(order).toEqual(['closed', 'exit 0']);
  });

  it('still exits 0 when closing fails, and logs why', async () => {
    const sut = logger();
    const exits: number[] = [];
    const app = { close: () => Promise.reject(new Error('pool already closed')) } as unknown as INestApplication;

    await shutDown(app, sut, { timeoutMs: 1000, exit: (code) => exits.push(code) });

    expect(exits).toEqual([0]);
    expect(sut.errors).toHaveLength(1);
  });

  it('exits 1 when closing hangs past the timeout', () => {
    jest.useFakeTimers();
    try {
      const sut = logger();
      const exits: number[] = [];
      const app = { close: () => new Promise<void>(() => undefined) } as INestApplication;

      void shutDown(app, sut, { timeoutMs: 5000, exit: (code) => exits.push(code) });
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
