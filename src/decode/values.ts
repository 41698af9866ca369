// One wire value → one column value. Schwab marks "no value" with sentinels (-999 greeks, "NaN", -1 for unknown
// counts and flags); those become NULL and the caller lists the column in `sentinel_fields`, so a NULL made from
// a value Schwab did send stays distinguishable from a field it never sent. Nothing here throws: one odd value must
// never cost the rest of its row or batch.
import type { FieldKind } from '../schwab/fields.js';
import type { CellValue, ColumnType } from './tables.js';

/** Returned instead of a value when the wire value is a sentinel or cannot be stored in its column. */
export const SENTINEL: unique symbol = Symbol('sentinel');
export type Converted = CellValue | typeof SENTINEL;

const INT4_MAX = 2_147_483_647;
// Market data lives between these: a time outside them is a unit mistake (seconds, microseconds) or garbage, and
// stored it would ask for a partition in the year 55000 (PostgreSQL refuses its bound, and every flush with it).
const EARLIEST_SANE_MS = Date.UTC(1990, 0, 1);
const LATEST_SANE_MS = Date.UTC(2100, 0, 1);

/** True for epoch ms in [1990, 2100): the range in which a wire time is believed and a partition made for it. */
export function isSaneInstant(ms: number): boolean {
  return ms >= EARLIEST_SANE_MS && ms < LATEST_SANE_MS;
}
const DATE_PREFIX = /^(\d{4})-(\d{2})-(\d{2})(?:$|[ T])/;

/**
 * Converts `raw` (a JSON value, never undefined) for a column of kind `kind` and PostgreSQL type `type`.
 * null stays null (Schwab sent "no value" plainly); everything unusable is SENTINEL.
 */
export function convertValue(kind: FieldKind, raw: unknown, type: ColumnType): Converted {
  if (raw === null) return null;
  switch (kind) {
    case 'double': return toDouble(raw);
    case 'int': return toInteger(raw, type);
    case 'count': return raw === -1 ? SENTINEL : toInteger(raw, type);
    case 'millis': return toMillis(raw);
    case 'text': return toText(raw);
    case 'bool': return typeof raw === 'boolean' ? raw : SENTINEL;
    case 'tribool': return toTribool(raw);
    case 'date': return typeof raw === 'string' ? toDate(raw) : SENTINEL;
  }
}

/** convertValue for a column without a sentinel list: an unusable or missing value is plain NULL. */
export function cellValue(kind: FieldKind, raw: unknown, type: ColumnType): CellValue {
  const converted = convertValue(kind, raw ?? null, type);
  return converted === SENTINEL ? null : converted;
}

function toDouble(raw: unknown): Converted {
  // -999 is Schwab's "not computed" for greeks and other doubles; strings ("NaN") mean the same.
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw === -999) return SENTINEL;
  return raw === 0 ? 0 : raw; // -0 → 0: it means nothing here, and JSON (the decoder state checkpoint) drops the sign
}

function toInteger(raw: unknown, type: ColumnType): Converted {
  if (typeof raw !== 'number' || !Number.isFinite(raw)) return SENTINEL;
  const value = Math.round(raw) + 0; // Schwab sends some counts as doubles (26.0); + 0 turns -0 into 0
  const fits = type === 'int4' ? Math.abs(value) <= INT4_MAX : Number.isSafeInteger(value);
  return fits ? value : SENTINEL;
}

function toMillis(raw: unknown): Converted {
  if (typeof raw !== 'number' || !Number.isFinite(raw)) return SENTINEL;
  // 0 is how Schwab says "no time" (indicative quote time of a non-index option): 1970 would be a lie.
  if (!isSaneInstant(raw)) return SENTINEL;
  return Math.round(raw);
}

function toText(raw: unknown): Converted {
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw); // a char code sent as a digit
  // PostgreSQL text cannot hold NUL; one such value would fail the whole COPY.
  if (typeof raw !== 'string' || raw.includes('\u0000')) return SENTINEL;
  return raw;
}

function toTribool(raw: unknown): Converted {
  if (raw === 1 || raw === true) return true;
  if (raw === 0 || raw === false) return false;
  return SENTINEL; // -1 = unknown, and anything else
}

/** "2024-05-15 00:00:00.0" (level-one dividend date) → '2024-05-15', if it names a real day. */
export function toDate(raw: string): Converted {
  const match = DATE_PREFIX.exec(raw);
  if (match === null) return SENTINEL;
  const [, year, month, day] = match;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  const iso = `${year}-${month}-${day}`;
  return date.toISOString().startsWith(iso) ? iso : SENTINEL;
}
