// Encodes rows in PostgreSQL's binary COPY format (https://www.postgresql.org/docs/current/sql-copy.html, "Binary
// Format"): a signature header, then per row a 16-bit field count and per field a 32-bit length (-1 = NULL) and the
// value in the type's binary send format, then a -1 trailer. This is the hot path of level-one flushes: no number
// is formatted as text (in Node) or parsed from text (in PostgreSQL), which is most of the cost of a text COPY.
//
// Values are written into one growing Buffer per chunk. A value its column cannot hold (an int4 out of range, a
// fraction in an integer column) is written so that PostgreSQL refuses it with a data error — a fixed-size field or
// array element one byte too long (22P03), a text array with a NUL byte (22021) — and the caller's bisection
// quarantines that row alone,
// as the text format's parse error would. (Too SHORT a field would be a protocol error, failing the whole flush.)
import type { CellValue, ColumnSpec, ColumnType } from '../decode/tables.js';
import { jsonText } from '../decode/json-text.js';
import type { CopyRow } from './copy-text.js';
import { storableJson, storableText } from './storable.js';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** Signature, flags (0) and header extension length (0). */
export const BINARY_HEADER = Buffer.concat([SIGNATURE, Buffer.alloc(8)]);
/** The field count -1 that ends the data. */
export const BINARY_TRAILER = Buffer.from([0xff, 0xff]);

/** PostgreSQL's epoch (2000-01-01) in Unix milliseconds and days. */
const PG_EPOCH_MS = 946_684_800_000;
const PG_EPOCH_DAYS = 10_957;
const TWO_32 = 4_294_967_296;
const INT4_MIN = -2_147_483_648;
const INT4_MAX = 2_147_483_647;
const TEXT_OID = 25;
const FLOAT8_OID = 701;
const INT4_OID = 23;
const INT8_OID = 20;
const JSONB_VERSION = 1;

/** Column types the binary encoder writes; a column list with any other type (numeric) is copied as text. */
const BINARY_TYPES: ReadonlySet<ColumnType> = new Set([
  'float8', 'int4', 'int8', 'bool', 'text', 'timestamptz', 'date', 'jsonb', 'text[]', 'float8[]', 'int4[]', 'int8[]',
]);

export function supportsBinary(columns: readonly ColumnSpec[]): boolean {
  return columns.every((c) => BINARY_TYPES.has(c.type));
}

/** A Buffer that grows as it is written; numbers go through a DataView (TurboFan inlines its big-endian stores). */
class Output {
  buffer: Buffer;
  private view: DataView;
  at = 0;

  constructor(size: number) {
    this.buffer = Buffer.allocUnsafe(size);
    this.view = viewOf(this.buffer);
  }

  ensure(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.at + bytes));
    this.buffer.copy(grown, 0, 0, this.at);
    this.buffer = grown;
    this.view = viewOf(grown);
  }

  int16(value: number): void {
    this.ensure(2);
    this.view.setInt16(this.at, value);
    this.at += 2;
  }

  int32(value: number): void {
    this.ensure(4);
    this.put32(value);
  }

  /** A safe integer as int64: high and low 32-bit halves, no BigInt. */
  int64(value: number): void {
    const high = Math.floor(value / TWO_32);
    this.ensure(8);
    this.put32(high);
    this.put32(value - high * TWO_32);
  }

  float64(value: number): void {
    this.ensure(8);
    this.view.setFloat64(this.at, value);
    this.at += 8;
  }

  byte(value: number): void {
    this.ensure(1);
    this.buffer[this.at++] = value;
  }

  /** Four bytes, big-endian, of a signed or unsigned 32-bit value (room already ensured). */
  put32(value: number): void {
    this.view.setUint32(this.at, value >>> 0);
    this.at += 4;
  }

  /** A length-prefixed UTF-8 string (the prefix counts `extra` leading bytes written by the caller after it). */
  lengthPrefixedText(text: string, extra = 0, extraByte = 0): void {
    this.ensure(4 + extra + text.length * 3);
    const start = this.at;
    let at = start + 4;
    if (extra === 1) this.buffer[at++] = extraByte;
    const buffer = this.buffer;
    // Short ASCII strings (symbols, exchange codes) are copied by hand: cheaper than a native write per cell.
    let i = 0;
    for (; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x80) break;
      buffer[at + i] = code;
    }
    at += i < text.length ? buffer.write(text.slice(i), at + i, 'utf8') + i : i;
    this.at = start;
    this.put32(at - start - 4);
    this.at = at;
  }
}

function viewOf(buffer: Buffer): DataView {
  return new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

type FieldWriter = (out: Output, value: NonNullable<CellValue>) => void;

/** A field that cannot be stored: `size` + 1 zero bytes (0 → a lone NUL byte), which PostgreSQL refuses as data. */
function invalid(out: Output, size: number): void {
  out.int32(size + 1);
  for (let i = 0; i <= size; i++) out.byte(0);
}

/** 'YYYY-MM-DD' → days since 2000-01-01, remembered: a batch repeats a few expirations many times. */
const dayNumbers = new Map<string, number>();
function dayNumber(date: string): number {
  let days = dayNumbers.get(date);
  if (days === undefined) {
    if (dayNumbers.size > 10_000) dayNumbers.clear();
    const ms = Date.parse(`${date}T00:00:00Z`);
    // Date.parse rolls 2024-02-30 over to March 1st: only a date that reads back the same is one.
    days = Number.isFinite(ms) && new Date(ms).toISOString().startsWith(`${date}T`) ? ms / 86_400_000 - PG_EPOCH_DAYS : Number.NaN;
    dayNumbers.set(date, days);
  }
  return days;
}

/** One element of a numeric array: its width and whether a value fits (the writers below write it). */
interface NumericElement {
  oid: number;
  size: number;
  fits: (value: unknown) => value is number;
  write: (out: Output, value: number) => void;
}

const isInt4 = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= INT4_MIN && v <= INT4_MAX;
const FLOAT8_ELEMENT: NumericElement = {
  oid: FLOAT8_OID, size: 8, fits: (v): v is number => typeof v === 'number', write: (out, v) => out.float64(v),
};
const INT4_ELEMENT: NumericElement = { oid: INT4_OID, size: 4, fits: isInt4, write: (out, v) => out.int32(v) };
const INT8_ELEMENT: NumericElement = {
  oid: INT8_OID, size: 8, fits: (v): v is number => typeof v === 'number' && Number.isSafeInteger(v), write: (out, v) => out.int64(v),
};

/**
 * A one-dimensional array of fixed-size numbers, as array_send writes it: dimensions, has-NULLs flag, element type,
 * size and lower bound 1, then each element with its length (-1 = NULL). An element that does not fit is written one
 * byte too long, and a value that is not an array as one such element: PostgreSQL refuses either as data (22P03).
 */
function numericArray(element: NumericElement): FieldWriter {
  return (out, v) => {
    const elements: readonly unknown[] = Array.isArray(v) ? v : [Number.NaN];
    const refusedWhole = !Array.isArray(v);
    const lengthAt = out.at;
    out.int32(0); // patched below
    out.int32(elements.length === 0 ? 0 : 1); // dimensions
    out.int32(elements.some((e) => e === null) ? 1 : 0); // has NULLs
    out.int32(element.oid);
    if (elements.length > 0) {
      out.int32(elements.length);
      out.int32(1); // lower bound
    }
    for (const value of elements) {
      if (value === null) {
        out.int32(-1);
      } else if (refusedWhole || !element.fits(value)) {
        invalid(out, element.size);
      } else {
        out.int32(element.size);
        element.write(out, value);
      }
    }
    const end = out.at;
    out.at = lengthAt;
    out.put32(end - lengthAt - 4);
    out.at = end;
  };
}

const WRITERS: Record<ColumnType, FieldWriter> = {
  float8: (out, v) => {
    if (typeof v !== 'number') return invalid(out, 8);
    out.int32(8);
    out.float64(v);
  },
  int4: (out, v) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < INT4_MIN || v > INT4_MAX) return invalid(out, 4);
    out.int32(4);
    out.int32(v);
  },
  int8: (out, v) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) return invalid(out, 8);
    out.int32(8);
    out.int64(v);
  },
  bool: (out, v) => {
    if (typeof v !== 'boolean') return invalid(out, 1);
    out.int32(1);
    out.byte(v ? 1 : 0);
  },
  text: (out, v) => (typeof v === 'string' ? out.lengthPrefixedText(storableText(v)) : invalid(out, 0)),
  // Microseconds since 2000-01-01 UTC.
  timestamptz: (out, v) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return invalid(out, 8);
    const ms = Math.round(v) - PG_EPOCH_MS;
    const high = Math.floor(ms / TWO_32); // ms = high·2³² + low: µs = high·1000·2³² + low·1000, carried by hand
    const lowMicros = (ms - high * TWO_32) * 1000;
    const carry = Math.floor(lowMicros / TWO_32);
    out.int32(8);
    out.int32(high * 1000 + carry);
    out.int32(lowMicros - carry * TWO_32);
  },
  // Days since 2000-01-01.
  date: (out, v) => {
    const days = typeof v === 'string' ? dayNumber(v) : Number.NaN;
    if (!Number.isInteger(days)) return invalid(out, 4);
    out.int32(4);
    out.int32(days);
  },
  jsonb: (out, v) => out.lengthPrefixedText(storableJson(v), 1, JSONB_VERSION),
  'text[]': (out, v) => {
    // Not an array: one NUL element, which PostgreSQL refuses as data (a malformed array would be a protocol error).
    const refused = !Array.isArray(v);
    const elements: readonly CellValue[] = Array.isArray(v) ? v : ['\u0000'];
    const lengthAt = out.at;
    out.int32(0); // patched below
    out.int32(elements.length === 0 ? 0 : 1); // dimensions
    out.int32(elements.some((e) => e === null) ? 1 : 0); // has NULLs
    out.int32(TEXT_OID);
    if (elements.length > 0) {
      out.int32(elements.length);
      out.int32(1); // lower bound
    }
    for (const element of elements) {
      if (element === null) out.int32(-1);
      else if (refused) out.lengthPrefixedText(element as string);
      else out.lengthPrefixedText(storableText(typeof element === 'string' ? element : jsonText(element)));
    }
    const end = out.at;
    out.at = lengthAt;
    out.put32(end - lengthAt - 4);
    out.at = end;
  },
  'float8[]': numericArray(FLOAT8_ELEMENT),
  'int4[]': numericArray(INT4_ELEMENT),
  'int8[]': numericArray(INT8_ELEMENT),
  numeric: (out) => invalid(out, 0), // never used: supportsBinary sends numeric columns as text
};

/** Encodes rows of one column list as binary COPY tuples (without header or trailer). */
export class CopyBinaryEncoder {
  private readonly writers: FieldWriter[];

  constructor(columns: readonly ColumnSpec[]) {
    if (!supportsBinary(columns)) throw new Error('binary COPY does not support these column types');
    this.writers = columns.map((c) => WRITERS[c.type]);
  }

  encode(rows: readonly CopyRow[]): Buffer {
    const width = this.writers.length;
    const out = new Output(rows.length * width * 12 + 64);
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      out.int16(width);
      for (let c = 0; c < width; c++) {
        const value = row[c];
        if (value === null || value === undefined) out.int32(-1);
        else this.writers[c]!(out, value);
      }
    }
    return out.buffer.subarray(0, out.at);
  }
}
