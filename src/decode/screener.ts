// SCREENER_EQUITY and SCREENER_OPTION items → screener_items rows. A screener item is the whole ranked list of one
// key (PREFIX_SORTFIELD_FREQUENCY, e.g. NASDAQ_VOLUME_30), sent whole each time: one row per entry of field 4, its
// position as `rank` (from 1). Entry fields are named, not numbered. netPercentChange is a fraction here, unlike the
// level-one percent fields (docs/protocol.md); it is stored as sent and the column comment says so.
import { SCREENER, SCREENER_ITEM } from '../schwab/fields.js';
import { isObject, NO_UNKNOWN_FIELDS, type ItemRowsOutcome } from './item.js';
import { rowFrom, type NamedRow, type Row } from './tables.js';
import type { FieldKind } from '../schwab/fields.js';
import { cellValue } from './values.js';

export type ScreenerService = 'SCREENER_EQUITY' | 'SCREENER_OPTION';

const KNOWN_FIELDS = new Set(['key', ...Object.values(SCREENER).map(String)]);
const ENTRY_FIELDS: ReadonlySet<string> = new Set(SCREENER_ITEM);

/** Entry fields other than the symbol: column, field, kind, and the column's type (REST movers read them too). */
export const ENTRY_COLUMNS = [
  ['description', 'description', 'text', 'text'],
  ['last_price', 'lastPrice', 'double', 'float8'],
  ['net_change', 'netChange', 'double', 'float8'],
  ['net_percent_change', 'netPercentChange', 'double', 'float8'],
  ['market_share', 'marketShare', 'double', 'float8'],
  ['total_volume', 'totalVolume', 'int', 'int8'],
  ['volume', 'volume', 'int', 'int8'],
  ['trades', 'trades', 'int', 'int8'],
] as const satisfies readonly (readonly [string, (typeof SCREENER_ITEM)[number], FieldKind, 'text' | 'float8' | 'int8'])[];

/**
 * The rows of one screener item (none for an empty list), or why it cannot be stored: no key, a list that is not
 * a list, or an entry that is not an object with a symbol (the rank of every later entry would be a guess).
 */
export function decodeScreener(service: ScreenerService, item: Record<string, unknown>, receivedAt: number): ItemRowsOutcome {
  const key = item.key;
  if (typeof key !== 'string' || key === '') return { ok: false, reason: 'screener has no key' };
  const entries = item[SCREENER.items];
  if (!Array.isArray(entries)) return { ok: false, reason: `screener ${key} has no ranked list (field ${SCREENER.items})` };
  const unknown = new Set<string>();
  for (const name of Object.keys(item)) if (!KNOWN_FIELDS.has(name)) unknown.add(name);
  const common = {
    received_at: receivedAt, source: 'stream', service, screener_key: key,
    sort_field: cellValue('text', item[SCREENER.sortField], 'text'),
    frequency: cellValue('int', item[SCREENER.frequency], 'int4'),
    snapshot_time: cellValue('millis', item[SCREENER.timestamp], 'timestamptz'),
  };
  const rows: Row[] = [];
  for (let i = 0; i < entries.length; i++) {
    const entry: unknown = entries[i];
    if (!isObject(entry)) return { ok: false, reason: `screener ${key} entry ${i + 1} is not an object` };
    const symbol = entry.symbol;
    if (typeof symbol !== 'string' || symbol === '') return { ok: false, reason: `screener ${key} entry ${i + 1} has no symbol` };
    const row: NamedRow = { ...common, rank: i + 1, symbol };
    for (const [column, field, kind, type] of ENTRY_COLUMNS) row[column] = cellValue(kind, entry[field], type);
    for (const name of Object.keys(entry)) if (!ENTRY_FIELDS.has(name)) unknown.add(`${SCREENER.items}.${name}`);
    rows.push(rowFrom('screener_items', row));
  }
  return { ok: true, rows, unknownFields: unknown.size === 0 ? NO_UNKNOWN_FIELDS : [...unknown] };
}

/** A wire value as its column holds it: absent, a sentinel or a value the column cannot hold is NULL. */
