// Waiting in tests for something a real server, socket or recorder does in its own time.
import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `check` every 20 ms until it holds; throws `timed out waiting for <what>` after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
