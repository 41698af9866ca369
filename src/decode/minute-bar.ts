// A streamed minute bar → a price_data row: what CHART_EQUITY and CHART_FUTURES share. Only their field numbers
// differ (chart-equity.ts, chart-futures.ts); the bar's own `seq` and the chart day are derivable or meaningless and
// are not stored.
import { isFiniteNumber, NO_UNKNOWN_FIELDS, type ItemOutcome } from './item.js';
import { rowFrom, TABLES, type ColumnSpec, type NamedRow } from './tables.js';
import { isSaneInstant } from './values.js';

/** Where a chart service puts each part of a bar (fields.ts), plus any field it sends that is not stored. */
export interface BarFields {
  chartTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  [other: string]: number;
}

const columns = new Map(TABLES.price_data.columns.map((c) => [c.name, c]));
// varchar(10): "AAPL" and "/ESZ25" fit; a longer key is refused here rather than failing the COPY.
const SYMBOL_MAX = columns.get('symbol')?.maxLength ?? Infinity;
const PRICE_LIMIT = numericLimit(columns.get('close_price'));

/** Largest absolute value a numeric(p,s) column takes after rounding to s decimals. */
function numericLimit(column: ColumnSpec | undefined): number {
  if (column?.numeric === undefined) return Infinity;
  const { precision, scale } = column.numeric;
  return 10 ** (precision - scale) - 0.5 * 10 ** -scale;
}

/** The decoder of one chart service: one bar, or why it cannot be stored (every column it fills is NOT NULL or bounded). */
export function minuteBarDecoder(fields: BarFields): (item: Record<string, unknown>) => ItemOutcome {
  const known = new Set(['key', 'seq', ...Object.values(fields).map(String)]);
  const prices = [['open_price', fields.open], ['high_price', fields.high], ['low_price', fields.low], ['close_price', fields.close]] as const;
  return (item) => {
    const symbol = item.key;
    if (typeof symbol !== 'string' || symbol === '') return { ok: false, reason: 'bar has no key (symbol)' };
    if (symbol.length > SYMBOL_MAX) return { ok: false, reason: `symbol longer than ${SYMBOL_MAX} characters` };
    const time = item[fields.chartTime];
    if (!isFiniteNumber(time) || !Number.isSafeInteger(Math.round(time))) {
      return { ok: false, reason: `bar has no chart time (field ${fields.chartTime})` };
    }
    if (!isSaneInstant(time)) return { ok: false, reason: `bar chart time (field ${fields.chartTime}) ${time} is not epoch milliseconds in 1990-2100` };
    const row: NamedRow = { symbol, datetime_ms: Math.round(time), datetime_utc: Math.round(time) };
    for (const [column, field] of prices) {
      const price = item[field];
      if (!isFiniteNumber(price)) return { ok: false, reason: `bar ${column} (field ${field}) is not a number` };
      if (Math.abs(price) >= PRICE_LIMIT) return { ok: false, reason: `bar ${column} (field ${field}) out of range` };
      row[column] = price;
    }
    const volume = item[fields.volume];
    if (!isFiniteNumber(volume) || !Number.isSafeInteger(Math.round(volume))) {
      return { ok: false, reason: `bar volume (field ${fields.volume}) is not a number` };
    }
    Object.assign(row, {
      volume: Math.round(volume), // a double on the wire (26.0, 1501.0)
      previous_close: null, previous_close_date_ms: null, is_empty: false,
      data_source: 'schwab_stream', frequency_type: 'minute',
    });
    const unknown = Object.keys(item).filter((name) => !known.has(name));
    return { ok: true, row: rowFrom('price_data', row), unknownFields: unknown.length === 0 ? NO_UNKNOWN_FIELDS : unknown };
  };
}
