// CHART_FUTURES items → price_data minute bars, next to the equity bars (a futures symbol starts with "/", so the two
// never share a key). Field order is the Guide's and real traffic's (fields.ts CHART_FUTURES): chart time is field 1,
// unlike CHART_EQUITY. The item's `seq` is Schwab's bar counter and is not stored, as for equities.
import { CHART_FUTURES } from '../schwab/fields.js';
import { isFiniteNumber, NO_UNKNOWN_FIELDS, type ItemOutcome } from './item.js';
import { rowFrom, TABLES, type ColumnSpec, type NamedRow } from './tables.js';
import { isSaneInstant } from './values.js';

const KNOWN_FIELDS = new Set(['key', 'seq', ...Object.values(CHART_FUTURES).map(String)]);
const PRICES = [
  ['open_price', CHART_FUTURES.open], ['high_price', CHART_FUTURES.high],
  ['low_price', CHART_FUTURES.low], ['close_price', CHART_FUTURES.close],
] as const;

const columns = new Map(TABLES.price_data.columns.map((c) => [c.name, c]));
// varchar(10): "/ESZ25" and "/MESZ25" fit; a longer key is refused here rather than failing the COPY.
const SYMBOL_MAX = columns.get('symbol')?.maxLength ?? Infinity;
const PRICE_LIMIT = numericLimit(columns.get('close_price'));

/** Largest absolute value a numeric(p,s) column takes after rounding to s decimals. */
function numericLimit(column: ColumnSpec | undefined): number {
  if (column?.numeric === undefined) return Infinity;
  const { precision, scale } = column.numeric;
  return 10 ** (precision - scale) - 0.5 * 10 ** -scale;
}

/** One futures bar, or why it cannot be stored: every price_data column it fills is NOT NULL or bounded. */
export function decodeChartFutures(item: Record<string, unknown>): ItemOutcome {
  const symbol = item.key;
  if (typeof symbol !== 'string' || symbol === '') return { ok: false, reason: 'bar has no key (symbol)' };
  if (symbol.length > SYMBOL_MAX) return { ok: false, reason: `symbol longer than ${SYMBOL_MAX} characters` };
  const time = item[CHART_FUTURES.chartTime];
  if (!isFiniteNumber(time) || !Number.isSafeInteger(Math.round(time))) {
    return { ok: false, reason: 'bar has no chart time (field 1)' };
  }
  if (!isSaneInstant(time)) return { ok: false, reason: `bar chart time (field 1) ${time} is not epoch milliseconds in 1990-2100` };
  const row: NamedRow = { symbol, datetime_ms: Math.round(time), datetime_utc: Math.round(time) };
  for (const [column, field] of PRICES) {
    const price = item[field];
    if (!isFiniteNumber(price)) return { ok: false, reason: `bar ${column} (field ${field}) is not a number` };
    if (Math.abs(price) >= PRICE_LIMIT) return { ok: false, reason: `bar ${column} (field ${field}) out of range` };
    row[column] = price;
  }
  const volume = item[CHART_FUTURES.volume];
  if (!isFiniteNumber(volume) || !Number.isSafeInteger(Math.round(volume))) {
    return { ok: false, reason: 'bar volume (field 6) is not a number' };
  }
  Object.assign(row, {
    volume: Math.round(volume), // contracts; a double on the wire in older captures (1501.0)
    previous_close: null, previous_close_date_ms: null, is_empty: false,
    data_source: 'schwab_stream', frequency_type: 'minute',
  });
  return { ok: true, row: rowFrom('price_data', row), unknownFields: unknownFields(item) };
}

function unknownFields(item: Record<string, unknown>): readonly string[] {
  const unknown = Object.keys(item).filter((name) => !KNOWN_FIELDS.has(name));
  return unknown.length === 0 ? NO_UNKNOWN_FIELDS : unknown;
}
