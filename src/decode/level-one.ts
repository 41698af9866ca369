// Level-one items → complete rows: LEVELONE_EQUITIES → equity_quotes, LEVELONE_OPTIONS → option_quotes,
// LEVELONE_FUTURES → futures_quotes, LEVELONE_FUTURES_OPTIONS → futures_option_quotes, LEVELONE_FOREX → forex_quotes.
// Schwab sends a full snapshot (with metadata) first and then only changed fields (schwab-protocol.md §3.4), so each
// item is merged into the last row of its key and the merged row is what gets stored.
import {
  LEVELONE_EQUITIES, LEVELONE_FOREX, LEVELONE_FUTURES, LEVELONE_FUTURES_OPTIONS, LEVELONE_OPTIONS, type FieldKind, type FieldTable,
} from '../schwab/fields.js';
import { NO_UNKNOWN_FIELDS, type ItemOutcome } from './item.js';
import { parseOptionSymbol } from './option-symbol.js';
import { columnIndex, emptyRow, TABLES, type ColumnType, type Row, type TableName } from './tables.js';
import { convertValue, SENTINEL } from './values.js';

export type LevelOneService =
  'LEVELONE_EQUITIES' | 'LEVELONE_OPTIONS' | 'LEVELONE_FUTURES' | 'LEVELONE_FUTURES_OPTIONS' | 'LEVELONE_FOREX';

/** Last merged row per key, for one service. */
export type LevelOneState = Map<string, Row>;

/** Where one item key goes: its column (name and position), how to convert it, and the column's PostgreSQL type. */
interface Slot {
  column: string;
  /** -1 for snapshot metadata the table has no column for (dropped, not unknown). */
  index: number;
  kind: FieldKind;
  type: ColumnType;
}

interface ServiceSpec {
  table: TableName;
  receivedAt: number;
  sentinels: number;
  /** Item key ("1", "34", "delayed", ...) → slot; resolved once here, not per item (the hot path of decoding). */
  slots: ReadonlyMap<string, Slot>;
}

// Per-key extras of the snapshot item. option_quotes has no asset_sub_type (Schwab sends none for options); the
// futures, futures option and forex snapshots carry only delayed and assetMainType (real captures), so their tables
// have just those two.
const METADATA: ReadonlyArray<[string, string, FieldKind]> = [
  ['delayed', 'delayed', 'bool'],
  ['assetMainType', 'asset_main_type', 'text'],
  ['assetSubType', 'asset_sub_type', 'text'],
  ['cusip', 'cusip', 'text'],
];

// A Map, not an object literal: item keys come off the wire ("constructor" must not find a prototype member).
function serviceSpec(table: TableName, fields: FieldTable): ServiceSpec {
  const { columns } = TABLES[table];
  const slot = (column: string, kind: FieldKind): Slot => {
    const index = columnIndex(table, column);
    return { column, index, kind, type: columns[index]?.type ?? 'text' };
  };
  const slots = new Map<string, Slot>();
  for (const [number, { column, kind }] of Object.entries(fields)) {
    if (columnIndex(table, column) >= 0) slots.set(number, slot(column, kind));
  }
  // Metadata a table has no column for is dropped silently (index -1): it is not an unknown field.
  for (const [name, column, kind] of METADATA) slots.set(name, slot(column, kind));
  return { table, receivedAt: columnIndex(table, 'received_at'), sentinels: columnIndex(table, 'sentinel_fields'), slots };
}

const SPECS: Record<LevelOneService, ServiceSpec> = {
  LEVELONE_EQUITIES: serviceSpec('equity_quotes', LEVELONE_EQUITIES),
  LEVELONE_OPTIONS: serviceSpec('option_quotes', LEVELONE_OPTIONS),
  LEVELONE_FUTURES: serviceSpec('futures_quotes', LEVELONE_FUTURES),
  LEVELONE_FUTURES_OPTIONS: serviceSpec('futures_option_quotes', LEVELONE_FUTURES_OPTIONS),
  LEVELONE_FOREX: serviceSpec('forex_quotes', LEVELONE_FOREX),
};

/**
 * Keys whose merged state a level-one service keeps: far above what Schwab lets one login subscribe (hundreds to a
 * few thousand), so only a peer sending made-up keys reaches it. Past it a new key's items are still stored, each as
 * sent (deltas not merged, like after a reset), and counted: the state, and the checkpoint that saves it, stay bounded.
 */
export const MAX_LEVEL_ONE_KEYS = 20_000;
/** Longest level-one key kept: an OCC option symbol is 21 characters, a futures option a dozen. */
export const MAX_KEY_LENGTH = 64;

export function levelOneTable(service: LevelOneService): TableName {
  return SPECS[service].table;
}

/**
 * Merges `item` into the state of its key and returns the complete row. An item carrying metadata is a snapshot
 * (the first item after SUBS/ADD) and replaces the key's state; any other item is a delta on top of it. A delta for
 * a key without state starts from an empty row (see StreamDecoder.reset for why it is not held back).
 */
export function decodeLevelOne(
  service: LevelOneService, item: Record<string, unknown>, state: LevelOneState, receivedAt: number,
): ItemOutcome {
  const key = item.key;
  if (typeof key !== 'string' || key === '') return { ok: false, reason: 'item has no key (symbol)' };
  // The key cap bounds how many keys are kept, this how long each is: real keys are symbols of at most ~25 characters.
  if (key.length > MAX_KEY_LENGTH) return { ok: false, reason: `item key longer than ${MAX_KEY_LENGTH} characters` };
  const spec = SPECS[service];
  const previous = isSnapshot(item) ? undefined : state.get(key);
  const row: Row = previous === undefined ? baseRow(spec.table, key) : previous.slice();
  let sentinels = row[spec.sentinels] as readonly string[] | null;
  row[spec.receivedAt] = receivedAt;
  let unknownFields: string[] | undefined;
  for (const name in item) {
    if (name === 'key') continue;
    const slot = spec.slots.get(name);
    if (slot === undefined) {
      (unknownFields ??= []).push(name);
      continue;
    }
    if (slot.index < 0) continue;
    const value = convertValue(slot.kind, item[name], slot.type);
    const isSentinel = value === SENTINEL;
    row[slot.index] = isSentinel ? null : value;
    if (isSentinel || sentinels !== null) sentinels = flagSentinel(sentinels, slot.column, isSentinel);
  }
  row[spec.sentinels] = sentinels as string[] | null;
  const fields = unknownFields ?? NO_UNKNOWN_FIELDS;
  if (state.size >= MAX_LEVEL_ONE_KEYS && !state.has(key)) return { ok: true, row, unknownFields: fields, untracked: true };
  state.set(key, row);
  return { ok: true, row, unknownFields: fields };
}

function isSnapshot(item: Record<string, unknown>): boolean {
  return 'delayed' in item || 'assetMainType' in item || 'cusip' in item;
}

/** The row a key starts from: symbol, and for options the expiration parsed from the OCC symbol. */
function baseRow(table: TableName, symbol: string): Row {
  const row = emptyRow(table);
  row[columnIndex(table, 'symbol')] = symbol;
  if (table === 'option_quotes') {
    const parsed = parseOptionSymbol(symbol);
    row[columnIndex(table, 'expiration_date')] = parsed.ok ? parsed.symbol.expiration : null;
    // A symbol that is not OCC still gets its quote stored; the flag says why the expiration is missing.
    if (!parsed.ok) row[columnIndex(table, 'sentinel_fields')] = ['expiration_date'];
  }
  return row;
}

/**
 * The sentinel_fields of a merged row: a column stays listed until a later item brings a real value for it. NULL
 * rather than '{}' when nothing is flagged, so `sentinel_fields IS NOT NULL` finds the odd rows. Copy on write: a
 * row shares its predecessor's list (rows already buffered must not change), and most rows have none at all.
 */
function flagSentinel(columns: readonly string[] | null, column: string, isSentinel: boolean): readonly string[] | null {
  const listed = columns !== null && columns.includes(column);
  if (isSentinel === listed) return columns;
  if (isSentinel) return columns === null ? [column] : [...columns, column];
  const rest = columns!.filter((c) => c !== column);
  return rest.length === 0 ? null : rest;
}
