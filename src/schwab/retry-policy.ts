// Which HTTP failures are worth another attempt, and how long Schwab asks us to wait. Shared by the REST client
// and the OAuth token requests (Schwab's token endpoint has returned transient gateway pages).

/** 429 (rate limited) and 5xx (gateway or server trouble) are transient; other statuses are answers. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/** `Retry-After` as milliseconds: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export type FailureKind = 'timeout' | 'network';

/** fetch rejects with TimeoutError for AbortSignal.timeout, with TypeError("fetch failed", {cause}) otherwise. */
export function failureKind(error: unknown): FailureKind {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError') ? 'timeout' : 'network';
}

/** `ECONNREFUSED`, `UND_ERR_SOCKET`, ...: the cause's code, never the whole message (it can quote a URL). */
export function networkErrorCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  if (cause !== undefined && typeof cause.code === 'string') return cause.code;
  return error instanceof Error ? error.name : 'error';
}
