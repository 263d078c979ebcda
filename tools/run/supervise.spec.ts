import { spawn } from 'node:child_process';
import { type Supervised, supervise } from './supervise';

/** A real child that runs until it is killed. */
const idleChild = () =>
  spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore', detached: true });

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe(supervise.name, () => {
  let sut: Supervised | undefined;
  afterEach(() => sut?.stop());

  it('restarts a child killed with SIGKILL, with a growing delay, and logs each crash', async () => {
    const logs: string[] = [];
    sut = supervise('user', idleChild, { log: (line) => logs.push(line), initialDelayMs: 10 });
    const first = sut.current.pid;

    process.kill(first!, 'SIGKILL');
    await until(() => sut!.current.pid !== first, 'a restart');
    const second = sut.current.pid;
    process.kill(second!, 'SIGKILL');
    await until(() => ![first, second].includes(sut!.current.pid), 'a second restart');

    expect(logs).toEqual(['user exited (SIGKILL); restarting in 10 ms', 'user exited (SIGKILL); restarting in 20 ms']);
    expect(sut.current.exitCode).toBeNull();
  });

  it('does not restart a child it was told to stop', async () => {
    const logs: string[] = [];
    sut = supervise('order', idleChild, { log: (line) => logs.push(line), initialDelayMs: 10 });
    const child = sut.current;

    await sut.stop();

    expect(child.signalCode).toBe('SIGTERM');
    expect(sut.current).toBe(child);
    expect(logs).toEqual([]);
  });
});
