// Client-side token bucket for Schwab REST calls: 120 requests per minute is the community-documented figure
// (shared/schwab-protocol.md §7). One bucket is shared by every call of a client, so pollers cannot add up past it.
import { setTimeout as sleep } from 'node:timers/promises';

export interface TokenBucketOptions {
  requestsPerMinute: number;
  /** Requests allowed back to back before the steady rate applies. Default: 5 seconds' worth, at most 10. */
  burst?: number;
  now?: () => number;
}

export class TokenBucket {
  readonly burst: number;
  readonly #perMs: number;
  readonly #now: () => number;
  #tokens: number;
  #refilledAt: number;

  constructor(options: TokenBucketOptions) {
    this.#perMs = options.requestsPerMinute / 60_000;
    this.burst = options.burst ?? Math.max(1, Math.min(10, Math.floor(options.requestsPerMinute / 12)));
    this.#now = options.now ?? Date.now;
    this.#tokens = this.burst;
    this.#refilledAt = this.#now();
  }

  /**
   * Resolves when one request may go. A caller that finds the bucket empty reserves the next token (the count goes
   * negative) and sleeps until it is due, so waiters are served in call order without a queue.
   */
  async take(signal?: AbortSignal): Promise<void> {
    const now = this.#now();
    this.#tokens = Math.min(this.burst, this.#tokens + (now - this.#refilledAt) * this.#perMs);
    this.#refilledAt = now;
    this.#tokens -= 1;
    if (this.#tokens >= 0) return;
    try {
      await sleep(Math.ceil(-this.#tokens / this.#perMs), undefined, { signal });
    } catch (error) {
      this.#tokens += 1; // the reservation was not used
      throw error;
    }
  }
}
