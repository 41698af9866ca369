// Reconnect delays: capped exponential with full jitter (spreads reconnecting clients apart), back to the
// first step once a connection has stayed healthy for a while.

export interface BackoffOptions {
  initialDelayMs: number;
  maxDelayMs: number;
  random?: () => number;
}

export class Backoff {
  private attempt = 0;

  constructor(private readonly options: BackoffOptions) {}

  /** The delay before the next attempt; each call doubles the ceiling up to maxDelayMs. */
  next(): number {
    const ceiling = Math.min(this.options.maxDelayMs, this.options.initialDelayMs * 2 ** this.attempt);
    this.attempt += 1;
    return Math.round(ceiling * (this.options.random ?? Math.random)());
  }

  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
