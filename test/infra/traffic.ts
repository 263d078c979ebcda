// The traffic of `npm run test:prometheus`: the README's requests (a user, then an order for them), their reads, and
// one of each failure the dashboard and the alerts break down: a 404, a 400 and an RPC error (an order for a user who
// does not exist, which the user service refuses with USER_NOT_FOUND). Sent in rounds until stopped.
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';

const ROUND_MS = 2000;

async function round(gateway: string, index: number): Promise<void> {
  const json = { 'content-type': 'application/json' };
  const post = (path: string, body: unknown) =>
    fetch(`${gateway}${path}`, { method: 'POST', headers: json, body: JSON.stringify(body) });
  const user = (await (
    await post('/users', { email: `ada+${index}-${randomUUID()}@example.com`, name: 'Ada Lovelace' })
  ).json()) as { id: string };
  const items = [{ sku: 'BOOK-1', quantity: 2, unitPriceCents: 1500 }];
  const order = (await (await post('/orders', { userId: user.id, items })).json()) as { id: string };
  await fetch(`${gateway}/users/${user.id}`);
  await fetch(`${gateway}/orders/${order.id}`);
  await fetch(`${gateway}/users/${randomUUID()}`); // 404
  await post('/users', { email: 'not an email' }); // 400
  await post('/orders', { userId: randomUUID(), items }); // RPC error: USER_NOT_FOUND
}

export function driveTraffic(gateway: string): { stop(): Promise<void> } {
  let running = true;
  const loop = (async () => {
    for (let index = 0; running; index += 1) {
      // A failed round is not fatal here: the checks that follow see what the traffic did or did not produce.
      await round(gateway, index).catch((error: unknown) => console.error(`traffic round ${index}: ${String(error)}`));
      await delay(ROUND_MS);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}
