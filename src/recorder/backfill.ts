// Price-history backfill: the GET /pricehistory requests that cover a span, issued one after the other through the
// REST client. Nothing here writes rows: the client hands every 2xx body to its capture (the pipeline), which
// journals it and decodes it into price_data like any other REST body — so the recording holds the bodies and a
// backfill replays to the same rows.
import type { CaptureSink } from '../capture/sink.js';
import type { PriceHistoryQuery, SchwabApi } from '../schwab/endpoints.js';

export type BackfillFrequency = 'minute' | 'daily' | 'weekly';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Schwab serves at most 10 days of minute candles per request (periodType day: period 1–10). */
export const MINUTE_WINDOW_DAYS = 10;
export const MINUTE_WINDOW_MS = MINUTE_WINDOW_DAYS * DAY_MS;

/** A span of time in epoch ms, `from` inclusive; candles that start before `to`. */
export interface TimeWindow {
  from: number;
  to: number;
}

export interface BackfillRequest {
  symbol: string;
  frequency: BackfillFrequency;
  window: TimeWindow;
  query: PriceHistoryQuery;
}

export interface BackfillProgress {
  /** Requests finished (answered or failed) so far, out of `total`. */
  done: number;
  total: number;
  request: BackfillRequest;
  /** Candles in the answer; undefined when the request failed. */
  candles?: number;
  error?: Error;
}

export interface BackfillOptions {
  api: SchwabApi;
  /** Where the backfill's start and end are journaled as events (the pipeline); the bodies go through api's client. */
  capture?: Pick<CaptureSink, 'event'>;
  symbols: readonly string[];
  frequency: BackfillFrequency;
  from: Date | number;
  to: Date | number;
  onProgress?: (progress: BackfillProgress) => void;
  /** Aborting stops before the next request; the result says how far it got. */
  signal?: AbortSignal;
  now?: () => number;
}

export interface BackfillFailure {
  symbol: string;
  window: TimeWindow;
  message: string;
}

export interface BackfillResult {
  /** Requests planned. */
  requests: number;
  /** Requests answered with a body (recorded, decoded by the pipeline). */
  answered: number;
  /** Candles in the answered bodies (before decoding: bad candles are quarantined by the decoder). */
  candles: number;
  failures: BackfillFailure[];
  aborted: boolean;
}

/**
 * The requests Schwab accepts for a span: minute candles in windows of at most 10 days with extended hours;
 * daily and weekly candles in one request per symbol (periodType year with startDate/endDate serves 20 years).
 * Every request asks for the previous close.
 */
export function planBackfill(options: Pick<BackfillOptions, 'symbols' | 'frequency' | 'from' | 'to'>): BackfillRequest[] {
  const from = millis(options.from);
  const to = millis(options.to);
  if (!(to > from)) return [];
  const windows = options.frequency === 'minute' ? splitWindow({ from, to }, MINUTE_WINDOW_MS) : [{ from, to }];
  const requests: BackfillRequest[] = [];
  for (const symbol of options.symbols) {
    for (const window of windows) {
      const query: PriceHistoryQuery = options.frequency === 'minute'
        ? {
          symbol, periodType: 'day', frequencyType: 'minute', frequency: 1, startDate: window.from, endDate: window.to,
          needExtendedHoursData: true, needPreviousClose: true,
        }
        : {
          symbol, periodType: 'year', frequencyType: options.frequency, frequency: 1, startDate: window.from, endDate: window.to,
          needPreviousClose: true,
        };
      requests.push({ symbol, frequency: options.frequency, window, query });
    }
  }
  return requests;
}

/**
 * Issues the planned requests one after the other (the client's token bucket paces them). A request that fails
 * (after the client's retries) is listed in the result and the backfill goes on; a body that fails validation
 * was still recorded, so it counts as answered and the decoder quarantines what it cannot store.
 */
export async function backfillPrices(options: BackfillOptions): Promise<BackfillResult> {
  const now = options.now ?? Date.now;
  const plan = planBackfill(options);
  const result: BackfillResult = { requests: plan.length, answered: 0, candles: 0, failures: [], aborted: false };
  const span = { from: millis(options.from), to: millis(options.to) };
  options.capture?.event('backfill_started', {
    frequency: options.frequency, symbols: [...options.symbols], from: span.from, to: span.to, requests: plan.length,
  }, now());
  let done = 0;
  for (const request of plan) {
    if (options.signal?.aborted) {
      result.aborted = true;
      break;
    }
    let candles: number | undefined;
    let error: Error | undefined;
    try {
      const body = await options.api.priceHistory(request.query);
      candles = body.empty === true ? 0 : body.candles.length;
    } catch (caught) {
      error = caught instanceof Error ? caught : new Error(String(caught));
      if (isBodyInvalid(error)) candles = 0;
    }
    if (candles !== undefined) {
      result.answered += 1;
      result.candles += candles;
    }
    if (error !== undefined && !isBodyInvalid(error)) {
      result.failures.push({ symbol: request.symbol, window: request.window, message: error.message });
    }
    done += 1;
    options.onProgress?.({ done, total: plan.length, request, candles, error });
  }
  options.capture?.event('backfill_finished', {
    frequency: options.frequency, requests: plan.length, answered: result.answered, candles: result.candles,
    failed: result.failures.length, aborted: result.aborted,
  }, now());
  return result;
}

/**
 * The minute window(s) to backfill after a streamer gap (disconnect at `gap.from`, data again at `gap.to`, epoch
 * ms): rounded out to whole minutes, at most the last `maxGapMinutes` of it (the part next to the live stream, so
 * the recorded bars run on without a hole into what streams now), split into windows Schwab serves.
 */
export function gapWindows(gap: TimeWindow, maxGapMinutes: number): TimeWindow[] {
  if (!Number.isFinite(gap.from) || !Number.isFinite(gap.to) || !(maxGapMinutes > 0)) return [];
  const to = Math.ceil(gap.to / MINUTE_MS) * MINUTE_MS;
  const from = Math.max(Math.floor(gap.from / MINUTE_MS) * MINUTE_MS, to - Math.floor(maxGapMinutes) * MINUTE_MS);
  if (!(to > from)) return [];
  return splitWindow({ from, to }, MINUTE_WINDOW_MS);
}

/** Consecutive windows of at most `size` ms covering `window`. */
function splitWindow(window: TimeWindow, size: number): TimeWindow[] {
  const out: TimeWindow[] = [];
  for (let start = window.from; start < window.to; start += size) out.push({ from: start, to: Math.min(start + size, window.to) });
  return out;
}

function millis(instant: Date | number): number {
  return typeof instant === 'number' ? instant : instant.getTime();
}

function isBodyInvalid(error: Error): boolean {
  return (error as { code?: unknown }).code === 'SCHWAB_BODY_INVALID';
}
