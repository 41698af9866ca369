// The baselines' own COPY encoders (text and binary), written from PostgreSQL's documentation rather than taken
// from src/store, so a baseline measures PostgreSQL and a plain client, not the recorder's encoder.
import type { CellValue, ColumnSpec } from '../../src/decode/tables.js';

/** A decoded row: positional (one value per column) or keyed by column name, whichever the decoders produce. */
export type AnyRow = readonly CellValue[] | Readonly<Record<string, CellValue>>;

/** Value `i` of `row` over `columns`. */
export function cell(row: AnyRow, columns: readonly ColumnSpec[], i: number): CellValue | undefined {
  return Array.isArray(row) ? (row as readonly CellValue[])[i] : (row as Record<string, CellValue>)[columns[i]!.name];
}

// ---------------------------------------------------------------- text (COPY ... FROM STDIN, default format)

const escapeText = (s: string): string => (/[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!) : s);

function textCell(type: ColumnSpec['type'], v: CellValue): string {
  if (v === null) return '\\N';
  switch (type) {
    case 'timestamptz': return new Date(v as number).toISOString();
    case 'int4': case 'int8': return String(Math.trunc(v as number));
    case 'bool': return v ? 't' : 'f';
    case 'jsonb': return escapeText(JSON.stringify(v));
    case 'text[]': return escapeText(`{${(v as unknown[]).map((e) => (e === null ? 'NULL' : `"${String(e).replace(/[\\"]/g, (c) => `\\${c}`)}"`)).join(',')}}`);
    case 'float8[]': case 'int4[]': case 'int8[]': return numberArrayText(type, v as (number | null)[]);
    default: return typeof v === 'string' ? escapeText(v) : String(v);
  }
}

/** A numeric array literal, `{221.38,221.31,NULL}`: NaN and ±Infinity as PostgreSQL spells them (float8[] only). */
function numberArrayText(type: ColumnSpec['type'], items: readonly (number | null)[]): string {
  const element = (e: number | null): string => {
    if (e === null) return 'NULL';
    if (type !== 'float8[]') return String(Math.trunc(e));
    return Number.isFinite(e) ? String(e) : Number.isNaN(e) ? 'NaN' : e > 0 ? 'Infinity' : '-Infinity';
  };
  return `{${items.map(element).join(',')}}`;
}

export function encodeText(columns: readonly ColumnSpec[], rows: readonly AnyRow[]): string {
  const lines: string[] = [];
  for (const row of rows) lines.push(columns.map((c, i) => textCell(c.type, cell(row, columns, i) ?? null)).join('\t'));
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------- binary (COPY ... FROM STDIN (FORMAT binary))

/** "PGCOPY\n\377\r\n\0", then the flags field and the header extension length (both 0). */
export const BINARY_HEADER = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
/** The file trailer: a field count of -1. */
export const BINARY_TRAILER = Buffer.from([0xff, 0xff]);

const PG_EPOCH_MS = Date.UTC(2000, 0, 1);
const TEXT_OID = 25;
const FLOAT8_OID = 701;
const INT4_OID = 23;
const INT8_OID = 20;

/** Appends to a growing buffer; one per encoded chunk. */
class Writer {
  buf: Buffer;
  at = 0;
  constructor(size = 1 << 16) { this.buf = Buffer.allocUnsafe(size); }
  room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }
  i16(v: number): void { this.room(2); this.at = this.buf.writeInt16BE(v, this.at); }
  i32(v: number): void { this.room(4); this.at = this.buf.writeInt32BE(v, this.at); }
  i64(v: bigint): void { this.room(8); this.at = this.buf.writeBigInt64BE(v, this.at); }
  f64(v: number): void { this.room(8); this.at = this.buf.writeDoubleBE(v, this.at); }
  u8(v: number): void { this.room(1); this.at = this.buf.writeUInt8(v, this.at); }
  /** A length-prefixed UTF-8 string. */
  str(s: string): void {
    const n = Buffer.byteLength(s);
    this.i32(n);
    this.room(n);
    this.at += this.buf.write(s, this.at);
  }
  bytes(b: Buffer): void { this.room(b.length); this.at += b.copy(this.buf, this.at); }
  done(): Buffer { return this.buf.subarray(0, this.at); }
}

/** One field: its int32 length, then its bytes in the type's binary send format; -1 for NULL. */
function binaryCell(w: Writer, type: ColumnSpec['type'], v: CellValue | undefined): void {
  if (v === null || v === undefined) return w.i32(-1);
  switch (type) {
    case 'timestamptz': w.i32(8); return w.i64(BigInt(Math.round((v as number) - PG_EPOCH_MS)) * 1000n); // μs since 2000-01-01
    case 'date': w.i32(4); return w.i32(Math.round((Date.parse(`${v as string}T00:00:00Z`) - PG_EPOCH_MS) / 86_400_000));
    case 'float8': w.i32(8); return w.f64(v as number);
    case 'int4': w.i32(4); return w.i32(Math.trunc(v as number));
    case 'int8': w.i32(8); return w.i64(BigInt(Math.trunc(v as number)));
    case 'bool': w.i32(1); return w.u8(v ? 1 : 0);
    case 'text': return w.str(String(v));
    case 'jsonb': return w.str(`\u0001${JSON.stringify(v)}`); // version byte 1, then the JSON text
    case 'text[]': return arrayOf(w, TEXT_OID, v as (string | null)[], (inner, e) => inner.str(e));
    case 'float8[]': return arrayOf(w, FLOAT8_OID, v as (number | null)[], (inner, e) => { inner.i32(8); inner.f64(e); });
    case 'int4[]': return arrayOf(w, INT4_OID, v as (number | null)[], (inner, e) => { inner.i32(4); inner.i32(Math.trunc(e)); });
    case 'int8[]': return arrayOf(w, INT8_OID, v as (number | null)[], (inner, e) => { inner.i32(8); inner.i64(BigInt(Math.trunc(e))); });
    case 'numeric': throw new Error('the binary baseline does not encode numeric (level-one tables have none)');
  }
}

/**
 * Array send format: ndim, has-null flag, element OID, then per dimension size and lower bound, then elements
 * (each with its int32 length, written by `put`; -1 for NULL).
 */
function arrayOf<T>(w: Writer, oid: number, items: readonly (T | null)[], put: (inner: Writer, e: T) => void): void {
  const inner = new Writer(256); // an array value is small: grown when not
  if (items.length === 0) {
    inner.i32(0); inner.i32(0); inner.i32(oid);
  } else {
    inner.i32(1); inner.i32(items.some((e) => e === null) ? 1 : 0); inner.i32(oid); inner.i32(items.length); inner.i32(1);
    for (const e of items) if (e === null) inner.i32(-1); else put(inner, e);
  }
  const bytes = inner.done();
  w.i32(bytes.length);
  w.bytes(bytes);
}

/** Tuples only (no header or trailer): each is an int16 field count and its fields. */
export function encodeBinary(columns: readonly ColumnSpec[], rows: readonly AnyRow[]): Buffer {
  const w = new Writer();
  for (const row of rows) {
    w.i16(columns.length);
    for (let i = 0; i < columns.length; i++) binaryCell(w, columns[i]!.type, cell(row, columns, i));
  }
  return w.done();
}
