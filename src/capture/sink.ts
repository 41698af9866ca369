// Where live sources hand what they receive, before anything else looks at it (design.md §2, §4).
// The recorder's implementation appends each call as one recording line; tests collect them in memory.

export interface CaptureSink {
  /**
   * One inbound streamer text frame, exactly as received, with its JSON parse (undefined when it is not JSON: the
   * recording keeps it as `ws-text`). The session parses once for its own needs and hands both over.
   */
  wsFrame(text: string, parsed: unknown, receivedAt: number): void;
  /** One REST response the recorder stores. `path` includes the query string; it never carries secrets. */
  rest(response: { method: string; path: string; status: number; body: unknown }, receivedAt: number): void;
  /** A session event: connected, disconnected, login, subscribed, gap, simulated_feed, ... */
  event(event: string, detail: Record<string, unknown>, at: number): void;
}
