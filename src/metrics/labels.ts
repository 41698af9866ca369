// Closed lists of the label values a metric may carry where the value comes off the wire (a service, a command, a
// response code) or out of the data (a table of a rejected row). Anything else is `other`: a peer that makes up
// 20,000 service names must not make 20,000 time series on /metrics.
import type { Counter, Gauge, Histogram } from 'prom-client';
import { CODE } from '../schwab/streamer/protocol.js';

export const OTHER = 'other';

/** The 13 streamer services Schwab documents (shared/schwab-protocol.md §3.4, §4). */
export const STREAM_SERVICES = [
  'LEVELONE_EQUITIES', 'LEVELONE_OPTIONS', 'LEVELONE_FUTURES', 'LEVELONE_FUTURES_OPTIONS', 'LEVELONE_FOREX',
  'NYSE_BOOK', 'NASDAQ_BOOK', 'OPTIONS_BOOK', 'CHART_EQUITY', 'CHART_FUTURES', 'SCREENER_EQUITY', 'SCREENER_OPTION',
  'ACCT_ACTIVITY',
] as const;

/** Responses and notices also come from ADMIN (LOGIN, LOGOUT, code 30). */
const RESPONSE_SERVICES = [...STREAM_SERVICES, 'ADMIN'];
const COMMANDS = ['LOGIN', 'LOGOUT', 'SUBS', 'ADD', 'UNSUBS', 'VIEW'];
const RESPONSE_CODES = Object.values(CODE).map(String);
const FRAME_KINDS = [...STREAM_SERVICES, 'invalid', 'heartbeat', 'response'];

/**
 * Tables of the schema (sql/*.do.*.sql), `stream_frame` (a frame that is not JSON or has no data blocks) and
 * `recording_line` (a line quarantined whole).
 */
const TABLES = [
  'equity_quotes', 'option_quotes', 'price_data', 'account_activity', 'stream_events', 'stream_frame', 'recording_line', 'rejected_rows',
  'accounts', 'symbols', 'orders', 'order_legs', 'order_activities', 'execution_legs', 'transactions',
  'transaction_items', 'options_expirations', 'options_chains', 'options_contracts', 'option_deliverables',
  'futures_quotes', 'futures_option_quotes', 'forex_quotes', 'book_snapshots', 'screener_items', 'market_hours',
  'account_balances', 'positions', 'fundamentals',
];

/** The fixed endpoint names of schwab/endpoints.ts (never a URL). */
const REST_ENDPOINTS = [
  'userPreference', 'accountNumbers', 'accounts', 'account', 'orders', 'allOrders', 'transactions', 'priceHistory',
  'chains', 'expirationChain', 'quotes', 'markets', 'instruments', 'movers',
];

/** HTTP statuses Schwab documents for its errors, and the two failures without an answer. */
const REST_ERROR_STATUSES = ['400', '401', '403', '404', '429', '500', '502', '503', '504', 'timeout', 'network'];

/** Why a streamer connection ended (the part of a close reason before its first colon). */
export const RECONNECT_REASONS = [
  'socket_closed', 'socket_error', 'connect_failed', 'no_response', 'heartbeat_timeout', 'data_silence', 'login_denied',
  'close_connection', 'stop_streaming', 'stream_conn_not_found', 'frame_too_large',
] as const;

const closedTo = (list: readonly string[]): ((value: string) => string) => {
  const known = new Set(list);
  return (value) => (known.has(value) ? value : OTHER);
};

export const serviceLabel = closedTo(RESPONSE_SERVICES);
export const commandLabel = closedTo(COMMANDS);
export const responseCodeLabel = closedTo(RESPONSE_CODES);
export const frameKindLabel = closedTo(FRAME_KINDS);
export const tableLabel = closedTo(TABLES);
export const reconnectReasonLabel = closedTo(RECONNECT_REASONS);
export const restEndpointLabel = closedTo(REST_ENDPOINTS);
export const restErrorStatusLabel = closedTo(REST_ERROR_STATUSES);

const knownServices: ReadonlySet<string> = new Set(STREAM_SERVICES);

/** Whether a service name from the wire is one Schwab documents: only those get per-service state. */
export function isStreamService(value: string): value is (typeof STREAM_SERVICES)[number] {
  return knownServices.has(value);
}

type Closers<L extends string> = Partial<Record<L, (value: string) => string>>;
type Labelled<L extends string> = Counter<L> | Gauge<L> | Histogram<L>;

/**
 * Every label object the metric is given passes its closer first, at the metric rather than at each call site, so a
 * site written later (or in code that does not know the lists) cannot add a series the list does not hold.
 */
export function closedLabels<L extends string, M extends Labelled<L>>(metric: M, closers: Closers<L>): M {
  const methods = metric as unknown as Record<string, unknown>;
  for (const name of ['inc', 'dec', 'set', 'observe', 'labels', 'remove']) {
    const original = methods[name];
    if (typeof original !== 'function') continue;
    methods[name] = (first: unknown, ...rest: unknown[]): unknown =>
      (original as (...args: unknown[]) => unknown).call(metric, isLabelObject(first) ? close(first, closers) : first, ...rest);
  }
  return metric;
}

function close<L extends string>(labels: Record<string, unknown>, closers: Closers<L>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...labels };
  for (const [name, closer] of Object.entries(closers) as Array<[string, (value: string) => string]>) {
    if (name in out) out[name] = closer(String(out[name]));
  }
  return out;
}

function isLabelObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
