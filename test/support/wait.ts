import { setTimeout as delay } from 'node:timers/promises';

interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  description?: () => string;
}

/**
 * Polls a condition until it holds. This is a readiness check with a deadline, not a sleep: it returns as soon
 * as the condition is true and fails with a description of what was last seen.
 */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  { timeoutMs = 15_000, intervalMs = 50, description }: WaitOptions = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await condition()) return;
    } catch (error) {
      lastError = error;
    }
    await delay(intervalMs);
  }
  const detail = description?.() ?? (lastError instanceof Error ? lastError.message : '');
  throw new Error(`condition not met within ${timeoutMs} ms${detail ? `: ${detail}` : ''}`);
}
