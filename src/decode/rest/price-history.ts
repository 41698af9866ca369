// GET /marketdata/v1/pricehistory bodies → price_data rows (schwab-protocol.md §6.2). Candle times are kept exactly
// as Schwab sends them: minute candles at the minute start (ms UTC), daily/weekly/monthly ones at 00:00 US/Central
// — the same instant goes to datetime_ms and datetime_utc, nothing is re-stamped. One bad candle is quarantined on
// its own; the body's other candles still become rows. `empty: true` means "nothing matched": no rows.
import { jsonExcerpt } from '../json-text.js';
import { isFiniteNumber, isObject } from '../item.js';
import { rowFrom, TABLES, type ColumnSpec, type NamedRow } from '../tables.js';
import { emptyResult, type RestDecodeResult, type RestDecoder } from './types.js';

const TABLE = 'price_data';
const FREQUENCY_TYPES = new Set(['minute', 'daily', 'weekly', 'monthly']);
/** What Schwab answers when frequencyType is left out: it follows periodType (default `day`). */
const DEFAULT_FREQUENCY_TYPE: Readonly<Record<string, string>> = { day: 'minute', month: 'weekly', year: 'monthly', ytd: 'weekly' };
const PRICES = [['open_price', 'open'], ['high_price', 'high'], ['low_price', 'low'], ['close_price', 'close']] as const;

const columns = new Map(TABLES.price_data.columns.map((c) => [c.name, c]));
const SYMBOL_MAX = columns.get('symbol')?.maxLength ?? Infinity;
const FREQUENCY_MAX = columns.get('frequency_type')?.maxLength ?? Infinity;
const PRICE_LIMIT = numericLimit(columns.get('close_price'));
const PREVIOUS_CLOSE_LIMIT = numericLimit(columns.get('previous_close'));

/** Largest absolute value a numeric(p,s) column takes after rounding to s decimals. */
function numericLimit(column: ColumnSpec | undefined): number {
  if (column?.numeric === undefined) return Infinity;
  const { precision, scale } = column.numeric;
  return 10 ** (precision - scale) - 0.5 * 10 ** -scale;
}

export const decodePriceHistory: RestDecoder = (body, context) => {
  const result = emptyResult();
  const query = new URLSearchParams(context.path.includes('?') ? context.path.slice(context.path.indexOf('?') + 1) : '');
  if (!isObject(body)) return rejectBody(result, 'price history body is not an object', body);
  if (body.empty === true) return result;
  if (!Array.isArray(body.candles)) return rejectBody(result, 'price history body has no candles array', body);

  const symbol = typeof body.symbol === 'string' && body.symbol !== '' ? body.symbol : query.get('symbol');
  if (symbol === null || symbol === '') return rejectBody(result, 'price history has no symbol (body or request)', body);
  if (symbol.length > SYMBOL_MAX) return rejectBody(result, `price history symbol longer than ${SYMBOL_MAX} characters`, body);
  const frequencyType = frequencyTypeOf(query);
  if (!frequencyType.ok) return rejectBody(result, frequencyType.reason, body);

  // The body's previous close belongs to every candle of it; a value the column cannot hold is stored as NULL.
  const previousClose = isFiniteNumber(body.previousClose) && Math.abs(body.previousClose) < PREVIOUS_CLOSE_LIMIT ? body.previousClose : null;
  const previousCloseDate = isFiniteNumber(body.previousCloseDate) && Number.isSafeInteger(Math.round(body.previousCloseDate))
    ? Math.round(body.previousCloseDate) : null;

  for (const candle of body.candles) {
    const outcome = candleRow(candle, symbol);
    if (!outcome.ok) {
      result.rejects.push({ table: TABLE, reason: `price history candle ${outcome.reason}`, raw: jsonExcerpt(candle) });
      continue;
    }
    const row = rowFrom(TABLE, {
      ...outcome.row, previous_close: previousClose, previous_close_date_ms: previousCloseDate, is_empty: false,
      data_source: 'schwab_api', frequency_type: frequencyType.value,
    });
    result.rows.push({ table: TABLE, row });
  }
  return result;
};

/**
 * `frequencyType` of the request (Schwab's default when absent). One-minute candles are `minute`, like the
 * streamer's CHART_EQUITY bars, so a backfilled minute and a streamed one are the same row (upserted on the seed's
 * key). Other frequencies carry their multiple (`5minute`, `30minute`): a 5-minute candle must not overwrite the
 * 1-minute candle that starts at the same instant.
 */
function frequencyTypeOf(query: URLSearchParams): { ok: true; value: string } | { ok: false; reason: string } {
  const type = query.get('frequencyType') ?? DEFAULT_FREQUENCY_TYPE[query.get('periodType') ?? 'day'];
  if (type === undefined || !FREQUENCY_TYPES.has(type)) return { ok: false, reason: 'price history request has an unknown frequencyType' };
  const frequencyText = query.get('frequency') ?? '1';
  if (!/^[1-9]\d{0,2}$/.test(frequencyText)) return { ok: false, reason: 'price history request has an unknown frequency' };
  const frequency = Number(frequencyText);
  const value = frequency === 1 ? type : `${frequency}${type}`;
  if (value.length > FREQUENCY_MAX) return { ok: false, reason: `price history frequency ${value} longer than ${FREQUENCY_MAX} characters` };
  return { ok: true, value };
}

/** symbol, datetime and OHLCV of one candle, or why the candle cannot be stored (those columns are NOT NULL). */
function candleRow(candle: unknown, symbol: string): { ok: true; row: NamedRow } | { ok: false; reason: string } {
  if (!isObject(candle)) return { ok: false, reason: 'is not an object' };
  const time = candle.datetime;
  if (!isFiniteNumber(time) || !Number.isSafeInteger(Math.round(time))) return { ok: false, reason: 'has no datetime' };
  const row: NamedRow = { symbol, datetime_ms: Math.round(time), datetime_utc: Math.round(time) };
  for (const [column, field] of PRICES) {
    const price = candle[field];
    if (!isFiniteNumber(price)) return { ok: false, reason: `${field} is not a number` };
    if (Math.abs(price) >= PRICE_LIMIT) return { ok: false, reason: `${field} out of range for ${column}` };
    row[column] = price;
  }
  const volume = candle.volume;
  if (!isFiniteNumber(volume) || !Number.isSafeInteger(Math.round(volume))) return { ok: false, reason: 'volume is not a number' };
  row.volume = Math.round(volume);
  return { ok: true, row };
}

function rejectBody(result: RestDecodeResult, reason: string, body: unknown): RestDecodeResult {
  result.rejects.push({ table: TABLE, reason, raw: jsonExcerpt(body) });
  return result;
}
