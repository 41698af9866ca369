// Where live sources hand what they receive, before anything else looks at it (design.md §2, §4).
// The recorder's implementation appends each call as one recording line; tests collect them in memory.

export interface CaptureSink {
  /** One inbound streamer text frame, exactly as received (the recording decides JSON or `ws-text`). */
  wsFrame(text: string, receivedAt: number): void;
  /** One REST response the recorder stores. `path` includes the query string; it never carries secrets. */
  rest(response: { method: string; path: string; status: number; body: unknown }, receivedAt: number): void;
  /** A session event: connected, disconnected, login, subscribed, gap, simulated_feed, ... */
  event(event: string, detail: Record<string, unknown>, at: number): void;
}
