// CHART_EQUITY items → price_data minute bars. Field order is the one real traffic uses (fields.ts CHART_EQUITY),
// not the Streamer Guide's. Sequence (1) and chart day (8) are derivable from the chart time and are not stored.
import { CHART_EQUITY } from '../schwab/fields.js';
import { isFiniteNumber, NO_UNKNOWN_FIELDS, type ItemOutcome } from './item.js';
import { isSaneInstant } from './values.js';
import { rowFrom, TABLES, type ColumnSpec, type NamedRow } from './tables.js';

const KNOWN_FIELDS = new Set(['key', 'seq', ...Object.values(CHART_EQUITY).map(String)]);
const PRICES = [
  ['open_price', CHART_EQUITY.open], ['high_price', CHART_EQUITY.high],
  ['low_price', CHART_EQUITY.low], ['close_price', CHART_EQUITY.close],
] as const;

const columns = new Map(TABLES.price_data.columns.map((c) => [c.name, c]));
const SYMBOL_MAX = columns.get('symbol')?.maxLength ?? Infinity;
const PRICE_LIMIT = numericLimit(columns.get('close_price'));

/** Largest absolute value a numeric(p,s) column takes after rounding to s decimals. */
function numericLimit(column: ColumnSpec | undefined): number {
  if (column?.numeric === undefined) return Infinity;
  const { precision, scale } = column.numeric;
  return 10 ** (precision - scale) - 0.5 * 10 ** -scale;
}

/** One bar, or why it cannot be stored: every price_data column it fills is NOT NULL or bounded. */
export function decodeChartEquity(item: Record<string, unknown>): ItemOutcome {
  const symbol = item.key;
  if (typeof symbol !== 'string' || symbol === '') return { ok: false, reason: 'bar has no key (symbol)' };
  if (symbol.length > SYMBOL_MAX) return { ok: false, reason: `symbol longer than ${SYMBOL_MAX} characters` };
  const time = item[CHART_EQUITY.chartTime];
  if (!isFiniteNumber(time) || !Number.isSafeInteger(Math.round(time))) {
    return { ok: false, reason: 'bar has no chart time (field 7)' };
  }
  if (!isSaneInstant(time)) return { ok: false, reason: `bar chart time (field 7) ${time} is not epoch milliseconds in 1990-2100` };
  const row: NamedRow = { symbol, datetime_ms: Math.round(time), datetime_utc: Math.round(time) };
  for (const [column, field] of PRICES) {
    const price = item[field];
    if (!isFiniteNumber(price)) return { ok: false, reason: `bar ${column} (field ${field}) is not a number` };
    if (Math.abs(price) >= PRICE_LIMIT) return { ok: false, reason: `bar ${column} (field ${field}) out of range` };
    row[column] = price;
  }
  const volume = item[CHART_EQUITY.volume];
  if (!isFiniteNumber(volume) || !Number.isSafeInteger(Math.round(volume))) {
    return { ok: false, reason: 'bar volume (field 6) is not a number' };
  }
  Object.assign(row, {
    volume: Math.round(volume), // a double on the wire (26.0)
    previous_close: null, previous_close_date_ms: null, is_empty: false,
    data_source: 'schwab_stream', frequency_type: 'minute',
  });
  return { ok: true, row: rowFrom('price_data', row), unknownFields: unknownFields(item) };
}

function unknownFields(item: Record<string, unknown>): readonly string[] {
  const unknown = Object.keys(item).filter((name) => !KNOWN_FIELDS.has(name));
  return unknown.length === 0 ? NO_UNKNOWN_FIELDS : unknown;
}
