// LEVELONE_EQUITIES and LEVELONE_OPTIONS items → complete equity_quotes / option_quotes rows.
// Schwab sends a full snapshot (with metadata) first and then only changed fields (schwab-protocol.md §3.4), so each
// item is merged into the last row of its key and the merged row is what gets stored.
import { LEVELONE_EQUITIES, LEVELONE_OPTIONS, type FieldKind, type FieldTable } from '../schwab/fields.js';
import { NO_UNKNOWN_FIELDS, type ItemOutcome } from './item.js';
import { parseOptionSymbol } from './option-symbol.js';
import { emptyRow, TABLES, type CellValue, type ColumnType, type Row, type TableName } from './tables.js';
import { convertValue, SENTINEL } from './values.js';

export type LevelOneService = 'LEVELONE_EQUITIES' | 'LEVELONE_OPTIONS';

/** Last merged row per key, for one service. */
export type LevelOneState = Map<string, Row>;

interface ServiceSpec {
  table: TableName;
  fields: FieldTable;
  types: ReadonlyMap<string, ColumnType>;
}

function serviceSpec(table: TableName, fields: FieldTable): ServiceSpec {
  return { table, fields, types: new Map(TABLES[table].columns.map((c) => [c.name, c.type])) };
}

const SPECS: Record<LevelOneService, ServiceSpec> = {
  LEVELONE_EQUITIES: serviceSpec('equity_quotes', LEVELONE_EQUITIES),
  LEVELONE_OPTIONS: serviceSpec('option_quotes', LEVELONE_OPTIONS),
};

// Per-key extras of the snapshot item. option_quotes has no asset_sub_type (Schwab sends none for options).
// A Map, not an object literal: item keys come off the wire ("constructor" must not find a prototype member).
const METADATA: ReadonlyMap<string, { column: string; kind: FieldKind }> = new Map([
  ['delayed', { column: 'delayed', kind: 'bool' }],
  ['assetMainType', { column: 'asset_main_type', kind: 'text' }],
  ['assetSubType', { column: 'asset_sub_type', kind: 'text' }],
  ['cusip', { column: 'cusip', kind: 'text' }],
]);

const FIELD_NUMBER = /^[1-9]\d{0,3}$/;

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
  const spec = SPECS[service];
  const previous = isSnapshot(item) ? undefined : state.get(key);
  const row: Row = previous === undefined ? baseRow(spec.table, key) : { ...previous };
  const sentinels = new Sentinels(row.sentinel_fields);
  row.received_at = receivedAt;
  let unknownFields: string[] | undefined;
  for (const name of Object.keys(item)) {
    if (name === 'key') continue;
    const metadata = METADATA.get(name);
    const target = metadata ?? (FIELD_NUMBER.test(name) ? spec.fields[Number(name)] : undefined);
    const type = target === undefined ? undefined : spec.types.get(target.column);
    if (target === undefined || type === undefined) {
      if (metadata === undefined) (unknownFields ??= []).push(name);
      continue;
    }
    const value = convertValue(target.kind, item[name], type);
    row[target.column] = value === SENTINEL ? null : value;
    sentinels.set(target.column, value === SENTINEL);
  }
  row.sentinel_fields = sentinels.value();
  state.set(key, row);
  return { ok: true, row, unknownFields: unknownFields ?? NO_UNKNOWN_FIELDS };
}

function isSnapshot(item: Record<string, unknown>): boolean {
  return 'delayed' in item || 'assetMainType' in item || 'cusip' in item;
}

/** The row a key starts from: symbol, and for options the expiration parsed from the OCC symbol. */
function baseRow(table: TableName, symbol: string): Row {
  const row = emptyRow(table);
  row.symbol = symbol;
  if (table === 'option_quotes') {
    const parsed = parseOptionSymbol(symbol);
    row.expiration_date = parsed.ok ? parsed.symbol.expiration : null;
    // A symbol that is not OCC still gets its quote stored; the flag says why the expiration is missing.
    if (!parsed.ok) row.sentinel_fields = ['expiration_date'];
  }
  return row;
}

/** The sentinel_fields of a merged row: a column stays listed until a later item brings a real value for it. */
class Sentinels {
  private readonly columns: string[];

  constructor(initial: CellValue | undefined) {
    this.columns = Array.isArray(initial) ? (initial as string[]).slice() : [];
  }

  set(column: string, isSentinel: boolean): void {
    const at = this.columns.indexOf(column);
    if (isSentinel && at < 0) this.columns.push(column);
    if (!isSentinel && at >= 0) this.columns.splice(at, 1);
  }

  /** NULL rather than '{}' when nothing is flagged, so `sentinel_fields IS NOT NULL` finds the odd rows. */
  value(): string[] | null {
    return this.columns.length === 0 ? null : this.columns;
  }
}
