import { InFlightHandlers } from './in-flight-handlers';

describe(InFlightHandlers.name, () => {
  it('drains at once when nothing runs, and stops accepting', async () => {
    const handlers = new InFlightHandlers();
    expect(handlers.accepting).toBe(true);

    await handlers.drain();

    expect(handlers.accepting).toBe(false);
  });

  it('resolves the drain only when the last running handler is done', async () => {
    const handlers = new InFlightHandlers();
    const first = handlers.start();
    const second = handlers.start();
    let drained = false;
    const draining = handlers.drain().then(() => (drained = true));

    first();
    first(); // a second call for the same handler must not count as the other one finishing
    await new Promise((resolve) => setImmediate(resolve));
    expect(drained).toBe(false);

    second();
    await draining;
    expect(drained).toBe(true);
  });

  it('counts a handler that starts in the same turn as the drain', async () => {
    const handlers = new InFlightHandlers();
    let drained = false;
    const draining = handlers.drain().then(() => (drained = true));
    const late = handlers.start(); // e.g. a message Nest was still deserializing when the close began

    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(drained).toBe(false);

    late();
    await draining;
    expect(drained).toBe(true);
  });
});
