// The columns each decoder fills, in table order, with the PostgreSQL type the COPY encoder writes them as.
// The level-one tables follow the field tables of schwab/fields.ts (one column per field, in field order), so a
// column name lives in one place; test/decode/tables.test.ts compares every list with the migrated schema.
import {
  LEVELONE_EQUITIES, LEVELONE_FOREX, LEVELONE_FUTURES, LEVELONE_FUTURES_OPTIONS, LEVELONE_OPTIONS, type FieldKind, type FieldTable,
} from '../schwab/fields.js';
import { CURRENT_BALANCE_FLAGS, CURRENT_BALANCE_NUMBERS, POSITION_NUMBERS, snakeCase } from './rest/balance-fields.js';

export type ColumnType =
  | 'float8' | 'int4' | 'int8' | 'text' | 'bool' | 'timestamptz' | 'date' | 'jsonb' | 'text[]' | 'numeric'
  | 'float8[]' | 'int4[]' | 'int8[]';

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  /** varchar(n): a longer value would fail the whole COPY, so decoders reject it first. */
  maxLength?: number;
  /** numeric(p,s): the largest absolute value it holds is below 10^(p-s). */
  numeric?: { precision: number; scale: number };
}

export interface TableSpec {
  columns: readonly ColumnSpec[];
  /** The unique key a row is upserted on; tables without one are append-only. */
  upsertKey?: readonly string[];
}

export type TableName = 'equity_quotes' | 'option_quotes' | 'price_data' | 'account_activity'
  | 'futures_quotes' | 'futures_option_quotes' | 'forex_quotes'
  | 'book_snapshots' | 'screener_items' | 'market_hours' | 'account_balances' | 'positions';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * One column value: number for float/int/numeric and for timestamptz (epoch ms), 'YYYY-MM-DD' for date,
 * string[] for text[], (number | null)[] for float8[]/int4[]/int8[], any JSON value for jsonb, null for NULL.
 */
export type CellValue = JsonValue;

/**
 * A row of a decoded table: one value per column, in the order of TABLES[table].columns. Positional because this is
 * the hot path: a level-one merge copies an array (not a 60-key object) and the COPY encoder reads by index.
 */
export type Row = CellValue[];

/** A row keyed by column name: how the cold-path decoders build rows, and how a quarantined row is shown. */
export type NamedRow = Record<string, CellValue>;

const col = (name: string, type: ColumnType): ColumnSpec => ({ name, type });

// Level-one integers the schema widens to BIGINT (share volumes and counts that outgrow int4).
const EQUITY_BIGINTS = new Set(['total_volume', 'last_size', 'hard_to_borrow_quantity']);
const OPTION_BIGINTS = new Set(['total_volume', 'open_interest']);
// Futures, futures options and forex: every count the Guide types long (forex sizes are currency units: 3,000,000).
const FUTURES_BIGINTS = new Set(['bid_size', 'ask_size', 'total_volume', 'last_size', 'open_interest']);

const KIND_TYPES: Record<FieldKind, ColumnType> = {
  double: 'float8', int: 'int4', text: 'text', bool: 'bool', millis: 'timestamptz', date: 'date',
  tribool: 'bool', count: 'int4',
};

function fieldColumns(fields: FieldTable, bigints: ReadonlySet<string>): ColumnSpec[] {
  return Object.keys(fields).map(Number).sort((a, b) => a - b).map((n) => {
    const { column, kind } = fields[n]!;
    return col(column, bigints.has(column) ? 'int8' : KIND_TYPES[kind]);
  });
}

/** A level-one table of the futures/forex kind: its snapshots carry only `delayed` and `assetMainType`. */
function levelOneTable(fields: FieldTable): TableSpec {
  return {
    columns: [
      col('received_at', 'timestamptz'), col('symbol', 'text'), ...fieldColumns(fields, FUTURES_BIGINTS),
      col('delayed', 'bool'), col('asset_main_type', 'text'),
      col('sentinel_fields', 'text[]'), col('seq', 'int8'), col('sent_at', 'timestamptz'),
    ],
  };
}

export const TABLES: Readonly<Record<TableName, TableSpec>> = {
  equity_quotes: {
    columns: [
      col('received_at', 'timestamptz'), col('symbol', 'text'),
      ...fieldColumns(LEVELONE_EQUITIES, EQUITY_BIGINTS),
      col('delayed', 'bool'), col('asset_main_type', 'text'), col('asset_sub_type', 'text'), col('cusip', 'text'),
      col('sentinel_fields', 'text[]'), col('seq', 'int8'), col('sent_at', 'timestamptz'),
    ],
  },
  option_quotes: {
    columns: [
      col('received_at', 'timestamptz'), col('symbol', 'text'), col('expiration_date', 'date'),
      ...fieldColumns(LEVELONE_OPTIONS, OPTION_BIGINTS),
      col('delayed', 'bool'), col('asset_main_type', 'text'), col('cusip', 'text'),
      col('sentinel_fields', 'text[]'), col('seq', 'int8'), col('sent_at', 'timestamptz'),
    ],
  },
  futures_quotes: levelOneTable(LEVELONE_FUTURES),
  futures_option_quotes: levelOneTable(LEVELONE_FUTURES_OPTIONS),
  forex_quotes: levelOneTable(LEVELONE_FOREX),
  price_data: {
    columns: [
      { name: 'symbol', type: 'text', maxLength: 10 },
      col('datetime_ms', 'int8'), col('datetime_utc', 'timestamptz'),
      ...['open_price', 'high_price', 'low_price', 'close_price'].map(
        (name): ColumnSpec => ({ name, type: 'numeric', numeric: { precision: 12, scale: 4 } })),
      col('volume', 'int8'),
      { name: 'previous_close', type: 'numeric', numeric: { precision: 12, scale: 4 } },
      col('previous_close_date_ms', 'int8'), col('is_empty', 'bool'),
      { name: 'data_source', type: 'text', maxLength: 20 },
      { name: 'frequency_type', type: 'text', maxLength: 10 },
      col('sent_at', 'timestamptz'),
    ],
    // Bars are re-sent after every re-subscribe (schwab-protocol.md §4.3): the seed's unique key makes them upserts.
    upsertKey: ['symbol', 'datetime_ms', 'frequency_type', 'datetime_utc'],
  },
  account_activity: {
    columns: [
      col('received_at', 'timestamptz'), col('subscription_key', 'text'), col('activity_seq', 'int4'),
      col('account_display', 'text'), col('message_type', 'text'), col('schwab_order_id', 'int8'),
      col('message_data', 'jsonb'), col('message_text', 'text'), col('seq', 'int8'), col('sent_at', 'timestamptz'),
    ],
  },
  // One row per whole book (decode/book.ts): levels best-first as parallel arrays, venues per level as jsonb.
  book_snapshots: {
    columns: [
      col('received_at', 'timestamptz'), col('service', 'text'), col('symbol', 'text'), col('book_time', 'timestamptz'),
      col('bid_prices', 'float8[]'), col('bid_sizes', 'int8[]'), col('bid_venue_counts', 'int4[]'), col('bid_venues', 'jsonb'),
      col('ask_prices', 'float8[]'), col('ask_sizes', 'int8[]'), col('ask_venue_counts', 'int4[]'), col('ask_venues', 'jsonb'),
      col('seq', 'int8'), col('sent_at', 'timestamptz'),
    ],
  },
  // One row per ranked entry of a screener (decode/screener.ts) or of a REST movers list (decode/rest/movers.ts, source 'rest').
  screener_items: {
    columns: [
      col('received_at', 'timestamptz'), col('source', 'text'), col('service', 'text'), col('screener_key', 'text'),
      col('sort_field', 'text'), col('frequency', 'int4'), col('snapshot_time', 'timestamptz'), col('rank', 'int4'),
      col('symbol', 'text'), col('description', 'text'), col('last_price', 'float8'), col('net_change', 'float8'),
      col('net_percent_change', 'float8'), col('market_share', 'float8'), col('total_volume', 'int8'),
      col('volume', 'int8'), col('trades', 'int8'), col('seq', 'int8'), col('sent_at', 'timestamptz'),
    ],
  },
  // One row per market, product and day (decode/rest/market-hours.ts): the latest /markets body about a day wins.
  market_hours: {
    columns: [
      col('market', 'text'), col('product', 'text'), col('product_name', 'text'), col('date', 'date'), col('is_open', 'bool'),
      col('pre_market_start', 'timestamptz'), col('pre_market_end', 'timestamptz'),
      col('regular_market_start', 'timestamptz'), col('regular_market_end', 'timestamptz'),
      col('post_market_start', 'timestamptz'), col('post_market_end', 'timestamptz'),
      col('session_hours', 'jsonb'), col('received_at', 'timestamptz'), col('seq', 'int8'),
    ],
    upsertKey: ['market', 'product', 'date'],
  },
  // One row per account per /trader/v1/accounts body, one per position of it (decode/rest/balances.ts, positions.ts).
  account_balances: {
    columns: [
      col('snapshot_time', 'timestamptz'), col('account_hash', 'text'), col('account_display', 'text'), col('account_type', 'text'),
      col('round_trips', 'int4'), col('is_day_trader', 'bool'), col('is_closing_only_restricted', 'bool'), col('pfcb_flag', 'bool'),
      ...CURRENT_BALANCE_NUMBERS.map((key) => col(snakeCase(key), 'float8')),
      ...CURRENT_BALANCE_FLAGS.map((key) => col(snakeCase(key), 'bool')),
      col('current_balances_other', 'jsonb'), col('initial_balances', 'jsonb'), col('projected_balances', 'jsonb'),
      col('aggregated_current_liquidation_value', 'float8'), col('aggregated_liquidation_value', 'float8'), col('seq', 'int8'),
    ],
  },
  positions: {
    columns: [
      col('snapshot_time', 'timestamptz'), col('account_hash', 'text'), col('account_display', 'text'), col('position_index', 'int4'),
      col('symbol', 'text'), col('asset_type', 'text'), col('cusip', 'text'), col('description', 'text'),
      ...POSITION_NUMBERS.map((key) => col(snakeCase(key), 'float8')),
      col('instrument', 'jsonb'), col('seq', 'int8'),
    ],
  },
};

const INDEXES = Object.fromEntries(Object.entries(TABLES).map(([table, spec]) =>
  [table, new Map(spec.columns.map((c, i) => [c.name, i]))])) as unknown as Record<TableName, ReadonlyMap<string, number>>;

/** The position of `column` in rows of `table`; -1 when the table has no such column. */
export function columnIndex(table: TableName, column: string): number {
  return INDEXES[table].get(column) ?? -1;
}

/** A row of `table` with every column NULL, to fill in. */
export function emptyRow(table: TableName): Row {
  return new Array<CellValue>(TABLES[table].columns.length).fill(null);
}

/** The row of `table` holding `values` by column name (absent columns NULL; names the table lacks are an error). */
export function rowFrom(table: TableName, values: NamedRow): Row {
  const row = emptyRow(table);
  for (const [name, value] of Object.entries(values)) {
    const at = columnIndex(table, name);
    if (at < 0) throw new Error(`${table} has no column ${name}`);
    row[at] = value;
  }
  return row;
}

/** `row` keyed by column name. */
export function namedRow(table: TableName, row: readonly CellValue[]): NamedRow {
  const named: NamedRow = {};
  TABLES[table].columns.forEach((c, i) => { named[c.name] = row[i] ?? null; });
  return named;
}
