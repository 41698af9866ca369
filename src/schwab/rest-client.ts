// Transport for Schwab's REST API: bearer auth with one refresh-and-retry on 401, a shared token bucket, retries
// with exponential backoff and full jitter on 429 (Retry-After honoured), 5xx, network errors and timeouts, a
// timeout per attempt, metrics, and capture of every stored body before it is validated. Every failed attempt (a
// non-2xx answer, a timeout, a network error) is captured as a `rest_error` event and counted (rest-errors.ts).
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import { redactRestBody } from '../capture/redact-rest.js';
import type { CaptureSink } from '../capture/sink.js';
import type { Config } from '../config/schema.js';
import { RecorderError, type ErrorCode } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { restDuration, restErrors, restRetries } from '../metrics/registry.js';
import { apiUrl } from './oauth.js';
import { TokenBucket } from './rate-limit.js';
import { schwabErrorMessage, safeRequestPath, type RestErrorNext } from './rest-errors.js';
import { failureKind, isRetryableStatus, networkErrorCode, parseRetryAfter } from './retry-policy.js';
import { SchwabBodyInvalidError, parseBody } from './schemas/parse.js';
import { Backoff } from './streamer/backoff.js';

/** What the client needs from auth; TokenManager provides it. */
export interface AccessTokenSource {
  accessToken(): Promise<string>;
  /** `rejectedAccessToken` lets the source skip a refresh that another caller already made. */
  refreshNow(reason: string, rejectedAccessToken?: string): Promise<string>;
}

export type RestSettings = Pick<Config['schwab'], 'apiBaseUrl' | 'requestTimeoutMs' | 'requestsPerMinute' | 'maxRetries'>;

export interface RestClientOptions {
  settings: RestSettings;
  auth: AccessTokenSource;
  logger: Logger;
  /** Receives every 2xx body, account numbers masked, before validation, and a `rest_error` event per failed attempt. */
  capture?: CaptureSink;
  /** Share one bucket between clients that must share Schwab's quota; default: one per client. */
  limiter?: TokenBucket;
  /** Backoff between retries (full jitter: a random delay up to the doubling ceiling). */
  backoff?: { initialDelayMs: number; maxDelayMs: number };
  /** A Retry-After beyond this is not waited for: the call fails and the caller's next cycle tries again. */
  maxRetryAfterMs?: number;
  random?: () => number;
}

export type QueryValue = string | number | boolean | readonly string[] | undefined;
export type Query = Readonly<Record<string, QueryValue>>;

export interface RestRequest<S extends z.ZodType> {
  /** A fixed name ("chains", "orders"): the metric label and the name in errors. Never the URL. */
  endpoint: string;
  /** The API path without query, e.g. `/marketdata/v1/chains`. */
  path: string;
  query?: Query;
  schema: S;
}

/** An HTTP answer we do not retry, or the last one when retries ran out. Never carries a token or a body dump. */
export class SchwabHttpError extends RecorderError {
  readonly endpoint: string;
  /** undefined when no HTTP answer came (network error, timeout). */
  readonly status: number | undefined;
  readonly attempts: number;

  constructor(code: ErrorCode, message: string, details: { endpoint: string; status: number | undefined; attempts: number }) {
    super(code, message);
    this.name = 'SchwabHttpError';
    this.endpoint = details.endpoint;
    this.status = details.status;
    this.attempts = details.attempts;
  }
}

type Attempt =
  | { kind: 'response'; status: number; statusText: string; retryAfter: string | null; text: string; receivedAt: number }
  | { kind: 'failure'; reason: 'timeout' | 'network'; detail: string; at: number };

export class RestClient {
  readonly #settings: RestSettings;
  readonly #auth: AccessTokenSource;
  readonly #logger: Logger;
  readonly #capture: CaptureSink | undefined;
  readonly #limiter: TokenBucket;
  readonly #backoff: { initialDelayMs: number; maxDelayMs: number };
  readonly #maxRetryAfterMs: number;
  readonly #random: () => number;

  constructor(options: RestClientOptions) {
    this.#settings = options.settings;
    this.#auth = options.auth;
    this.#logger = options.logger;
    this.#capture = options.capture;
    this.#limiter = options.limiter ?? new TokenBucket({ requestsPerMinute: options.settings.requestsPerMinute });
    this.#backoff = options.backoff ?? { initialDelayMs: 500, maxDelayMs: 30_000 };
    this.#maxRetryAfterMs = options.maxRetryAfterMs ?? 120_000;
    this.#random = options.random ?? Math.random;
  }

  /** GETs one endpoint and returns its validated body (account numbers masked, as recorded). */
  async get<S extends z.ZodType>(request: RestRequest<S>): Promise<z.infer<S>> {
    const { endpoint } = request;
    const target = pathWithQuery(request.path, request.query);
    const url = apiUrl(this.#settings.apiBaseUrl, target);
    const backoff = new Backoff({ ...this.#backoff, random: this.#random });
    let refreshed = false;
    let retries = 0;
    for (let attempts = 1; ; attempts += 1) {
      await this.#limiter.take();
      const token = await this.#auth.accessToken();
      const result = await this.#attempt(endpoint, url, token);

      if (result.kind === 'response' && result.status === 401 && !refreshed) {
        this.#recordError(endpoint, target, attempts, result, 'refresh_token');
        refreshed = true;
        restRetries.inc({ endpoint, reason: '401' });
        this.#logger.info({ endpoint }, 'Schwab answered 401; refreshing the access token and retrying once');
        await this.#auth.refreshNow(`REST ${endpoint} answered 401`, token);
        continue;
      }
      if (result.kind === 'response' && result.status >= 200 && result.status < 300) {
        return this.#accept(request, target, result.status, result.text, result.receivedAt);
      }
      if (result.kind === 'response' && !isRetryableStatus(result.status)) {
        this.#recordError(endpoint, target, attempts, result, 'give_up');
        const hint = result.status === 401 ? ' (still unauthorized after a token refresh)' : '';
        throw new SchwabHttpError('SCHWAB_HTTP_ERROR',
          `Schwab ${endpoint} answered HTTP ${result.status}${hint}${errorDetail(result.text)}`,
          { endpoint, status: result.status, attempts });
      }

      const reason = result.kind === 'response' ? (result.status === 429 ? '429' : '5xx') : result.reason;
      const advisedMs = result.kind === 'response' ? parseRetryAfter(result.retryAfter) : undefined;
      const givingUp = retries >= this.#settings.maxRetries || (advisedMs !== undefined && advisedMs > this.#maxRetryAfterMs);
      this.#recordError(endpoint, target, attempts, result, givingUp ? 'give_up' : 'retry');
      if (givingUp) {
        const waited = advisedMs !== undefined && advisedMs > this.#maxRetryAfterMs
          ? ` (Schwab asked to wait ${Math.round(advisedMs / 1000)} s, more than the ${Math.round(this.#maxRetryAfterMs / 1000)} s we wait)` : '';
        throw new SchwabHttpError('SCHWAB_RETRIES_EXHAUSTED',
          `Schwab ${endpoint} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}${waited}: last ${describe(result, this.#settings.requestTimeoutMs)}`,
          { endpoint, status: result.kind === 'response' ? result.status : undefined, attempts });
      }
      retries += 1;
      const delayMs = advisedMs ?? backoff.next();
      restRetries.inc({ endpoint, reason });
      this.#logger.warn({ endpoint, reason, attempt: attempts, delayMs }, 'Schwab request failed; retrying');
      await sleep(delayMs);
    }
  }

  async #attempt(endpoint: string, url: string, token: string): Promise<Attempt> {
    const started = performance.now();
    try {
      const response = await fetch(url, {
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: 'application/json',
          // Early 2024 market-data calls answered empty bodies without it (shared/schwab-protocol.md §6.7).
          'Schwab-Client-CorrelId': randomUUID(),
        },
        signal: AbortSignal.timeout(this.#settings.requestTimeoutMs),
      });
      const text = await response.text();
      const receivedAt = Date.now();
      restDuration.observe({ endpoint, status: `${Math.floor(response.status / 100)}xx` }, (performance.now() - started) / 1000);
      this.#logger.debug({ endpoint, status: response.status, ms: Math.round(performance.now() - started) }, 'Schwab REST response');
      return { kind: 'response', status: response.status, statusText: response.statusText, retryAfter: response.headers.get('retry-after'), text, receivedAt };
    } catch (error) {
      const reason = failureKind(error);
      restDuration.observe({ endpoint, status: reason }, (performance.now() - started) / 1000);
      return { kind: 'failure', reason, detail: reason === 'timeout' ? 'timeout' : networkErrorCode(error), at: Date.now() };
    }
  }

  /**
   * A failed attempt as a `rest_error` event through the capture (journaled, so replay stores the same row) and in
   * schwab_rest_errors_total. The path keeps only safe query values; the message is masked (rest-errors.ts).
   */
  #recordError(endpoint: string, target: string, attempt: number, result: Attempt, next: RestErrorNext): void {
    const status = result.kind === 'response' ? result.status : result.reason;
    restErrors.inc({ endpoint, status: String(status) });
    const message = result.kind === 'response' ? schwabErrorMessage(result.text) : result.reason === 'network' ? result.detail : null;
    this.#capture?.event('rest_error', { method: 'GET', endpoint, path: safeRequestPath(target), status, message, attempt, next },
      result.kind === 'response' ? result.receivedAt : result.at);
  }

  /** Capture first (masked, unvalidated: a body that fails validation is still recorded), then validate. */
  #accept<S extends z.ZodType>(request: RestRequest<S>, target: string, status: number, text: string, receivedAt: number): z.infer<S> {
    let body: unknown;
    let json = true;
    try {
      body = text.trim() === '' ? null : JSON.parse(text);
    } catch {
      body = text;
      json = false;
    }
    const recorded = redactRestBody(body);
    this.#capture?.rest({ method: 'GET', path: target, status, body: recorded }, receivedAt);
    if (!json) throw new SchwabBodyInvalidError(request.endpoint, [{ path: '(root)', message: 'not JSON' }]);
    return parseBody(request.endpoint, request.schema, recorded);
  }
}

/**
 * `/marketdata/v1/quotes?symbols=AAPL,%24SPX,%2FES` — each value percent-encoded (symbols hold `$`, `/` and the
 * spaces of OCC symbols); commas between list items stay readable. Undefined values are left out.
 */
export function pathWithQuery(path: string, query: Query = {}): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.map((item) => encodeURIComponent(item)).join(',') : encodeURIComponent(String(value));
    parts.push(`${encodeURIComponent(key)}=${text}`);
  }
  return parts.length === 0 ? path : `${path}?${parts.join('&')}`;
}

function describe(result: Attempt, timeoutMs: number): string {
  if (result.kind === 'failure') return result.reason === 'timeout' ? `no answer within ${timeoutMs} ms` : `network error ${result.detail}`;
  return `HTTP ${result.status}${result.statusText === '' ? '' : ` ${result.statusText}`}${errorDetail(result.text)}`;
}

/** Schwab's own words about an error, masked and short (rest-errors.ts), as `: words`; empty when it has none. */
function errorDetail(text: string): string {
  const message = schwabErrorMessage(text);
  return message === null ? '' : `: ${message}`;
}
