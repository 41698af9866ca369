// GET /marketdata/v1/markets and /marketdata/v1/markets/{market} bodies → market_hours rows (schwab-protocol.md
// §6.7): `{"equity":{"EQ":{date, marketType, product, productName, isOpen, sessionHours}}, "option":{"EQO":…,"IND":…}}`.
// One row per product and day, upserted on (market, product, date): the latest body about a day wins. On a closed
// day the product is named after the market (`{"equity":{"equity":{…,"isOpen":false}}}`) and has no sessionHours.
// A session's spans become its earliest start and latest end (real bodies have one span per session); every span of
// every session is also kept as sent in session_hours. A product that is not readable is quarantined on its own.
import { jsonExcerpt } from '../json-text.js';
import { isObject } from '../item.js';
import { rowFrom, type NamedRow } from '../tables.js';
import { toDate } from '../values.js';
import { emptyResult, type RestDecoder } from './types.js';

const TABLE = 'market_hours';
/** sessionHours names → the columns of their window. */
const SESSIONS = [
  ['preMarket', 'pre_market'], ['regularMarket', 'regular_market'], ['postMarket', 'post_market'],
] as const;
/** `2024-10-18T07:00:00-04:00`: an ISO time with its offset (Schwab's form); a time without one would be a guess. */
const ZONED_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

type Span = { start: string; end: string };
type Outcome = { ok: true; row: NamedRow } | { ok: false; reason: string };

export const decodeMarketHours: RestDecoder = (body, context) => {
  const result = emptyResult();
  if (!isObject(body)) {
    result.rejects.push({ table: TABLE, reason: 'markets body is not an object', raw: jsonExcerpt(body) });
    return result;
  }
  for (const [market, products] of Object.entries(body)) {
    if (!isObject(products)) {
      result.rejects.push({ table: TABLE, reason: `markets ${JSON.stringify(market)} is not an object of products`, raw: jsonExcerpt(products) });
      continue;
    }
    for (const [key, product] of Object.entries(products)) {
      const outcome = productRow(market, key, product);
      if (!outcome.ok) {
        result.rejects.push({ table: TABLE, reason: `market hours of ${JSON.stringify(`${market}/${key}`)} ${outcome.reason}`, raw: jsonExcerpt(product) });
        continue;
      }
      result.rows.push({ table: TABLE, row: rowFrom(TABLE, { ...outcome.row, received_at: context.receivedAt }) });
    }
  }
  return result;
};

/** The row of one product of one market, or why it cannot be stored (market, product, date and isOpen are needed). */
function productRow(market: string, key: string, product: unknown): Outcome {
  if (!isObject(product)) return { ok: false, reason: 'is not an object' };
  const date = typeof product.date === 'string' ? toDate(product.date) : null;
  if (typeof date !== 'string' || date !== product.date) return { ok: false, reason: 'has no date (yyyy-MM-dd)' };
  if (typeof product.isOpen !== 'boolean') return { ok: false, reason: 'has no isOpen flag' };
  const sessions = sessionHours(product.sessionHours);
  if (!sessions.ok) return sessions;
  const row: NamedRow = {
    // marketType names the market in every real body (EQUITY under "equity"); the key only when it is missing.
    market: nonEmpty(product.marketType)?.toLowerCase() ?? market,
    product: nonEmpty(product.product) ?? key,
    product_name: nonEmpty(product.productName),
    date, is_open: product.isOpen,
    session_hours: sessions.spans,
  };
  for (const [name, column] of SESSIONS) {
    const spans = sessions.spans?.[name] ?? [];
    // A loop, not Math.min(...spans): a spread of a list from the wire overflows the stack past ~100k elements.
    let start = Number.POSITIVE_INFINITY;
    let end = Number.NEGATIVE_INFINITY;
    for (const span of spans) {
      start = Math.min(start, Date.parse(span.start));
      end = Math.max(end, Date.parse(span.end));
    }
    row[`${column}_start`] = spans.length === 0 ? null : start;
    row[`${column}_end`] = spans.length === 0 ? null : end;
  }
  return { ok: true, row };
}

/** sessionHours as `{name: [{start, end}]}` with only those two fields per span (null when absent). */
function sessionHours(raw: unknown): { ok: true; spans: Record<string, Span[]> | null } | { ok: false; reason: string } {
  if (raw === undefined || raw === null) return { ok: true, spans: null };
  if (!isObject(raw)) return { ok: false, reason: 'has sessionHours that is not an object' };
  const spans: [string, Span[]][] = [];
  for (const [name, list] of Object.entries(raw)) {
    if (!Array.isArray(list)) return { ok: false, reason: `has sessionHours.${name} that is not a list` };
    const read: Span[] = [];
    for (const span of list) {
      if (!isObject(span) || !isZonedTime(span.start) || !isZonedTime(span.end)) {
        return { ok: false, reason: `has a sessionHours.${name} span without start and end times with an offset` };
      }
      read.push({ start: span.start, end: span.end });
    }
    spans.push([name, read]);
  }
  // fromEntries defines own keys: a session named `__proto__` is a key like any other.
  return { ok: true, spans: Object.fromEntries(spans) };
}

function isZonedTime(value: unknown): value is string {
  return typeof value === 'string' && ZONED_TIME.test(value) && Number.isFinite(Date.parse(value));
}

function nonEmpty(value: unknown): string | null {
  return typeof value === 'string' && value !== '' && !value.includes('\u0000') ? value : null;
}
