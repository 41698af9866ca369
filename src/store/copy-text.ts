// Encodes rows in PostgreSQL's COPY text format (one line per row, tab between columns, \N for NULL, backslash
// escapes for backslash, tab, newline and carriage return; a NUL, which PostgreSQL cannot store, becomes the six
// characters `\u0000` as storable.ts says). This is the hot path of every flush: one encoder
// function per column type is chosen once per table, and strings are scanned before any replace.
import type { CellValue, ColumnSpec, ColumnType } from '../decode/tables.js';
import { storableJson } from './storable.js';

type CellEncoder = (value: CellValue) => string;

const NULL = '\\N';
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[\\\t\n\r\u0000]/;

/** COPY-escapes one text value. */
export function escapeCopy(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  let out = '';
  for (const ch of text) {
    switch (ch) {
      case '\\': out += '\\\\'; break;
      case '\t': out += '\\t'; break;
      case '\n': out += '\\n'; break;
      case '\r': out += '\\r'; break;
      case '\u0000': out += '\\\\u0000'; break;
      default: out += ch;
    }
  }
  return out;
}

const DAY_MS = 86_400_000;
let cachedDay = Number.NaN;
let cachedDayPrefix = '';

/**
 * Epoch ms → `YYYY-MM-DDTHH:MM:SS.mmmZ`, as Date#toISOString writes it, without a Date per value: the date part is
 * cached per day (a batch holds a few days at most) and the time of day is plain arithmetic.
 */
export function isoTimestamp(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    const iso = new Date(day * DAY_MS).toISOString();
    if (iso.length !== 24) return new Date(ms).toISOString(); // years outside 0000-9999: let Date format them
    cachedDay = day;
    cachedDayPrefix = iso.slice(0, 11);
  }
  const t = Math.round(ms - day * DAY_MS);
  const h = Math.floor(t / 3_600_000);
  const m = Math.floor(t / 60_000) % 60;
  const sec = Math.floor(t / 1000) % 60;
  const milli = t % 1000;
  return `${cachedDayPrefix}${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}:${sec < 10 ? '0' : ''}${sec}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

/** An array literal element, always quoted so commas, braces, spaces, empty strings and "NULL" stay text. */
function arrayElement(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  return `"${String(value).replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * A numeric array literal: `{1.5,NULL,2}`. Elements are written as the scalar encoders write them (an element they
 * would write as NULL is NULL); no quoting is needed, numbers hold no commas, braces or quotes.
 */
function numericArray(element: (value: number) => string): CellEncoder {
  return (v) => {
    if (!Array.isArray(v)) return NULL;
    return `{${v.map((e) => (typeof e === 'number' && Number.isFinite(e) ? element(e) : 'NULL')).join(',')}}`;
  };
}

const ENCODERS: Record<ColumnType, CellEncoder> = {
  float8: (v) => (typeof v === 'number' ? String(v) : NULL),
  numeric: (v) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : NULL),
  int4: (v) => (typeof v === 'number' ? String(Math.trunc(v)) : NULL),
  int8: (v) => (typeof v === 'number' ? String(Math.trunc(v)) : NULL),
  bool: (v) => (v === true ? 't' : v === false ? 'f' : NULL),
  text: (v) => (typeof v === 'string' ? escapeCopy(v) : NULL),
  date: (v) => (typeof v === 'string' ? v : NULL),
  timestamptz: (v) => (typeof v === 'number' && Number.isFinite(v) ? isoTimestamp(v) : NULL),
  jsonb: (v) => (v === null || v === undefined ? NULL : escapeCopy(storableJson(v))),
  'text[]': (v) => (Array.isArray(v) ? escapeCopy(`{${v.map(arrayElement).join(',')}}`) : NULL),
  'float8[]': numericArray(String),
  'int4[]': numericArray((e) => String(Math.trunc(e))),
  'int8[]': numericArray((e) => String(Math.trunc(e))),
};

/** A row for COPY: one value per column, in the order of the columns it is encoded with. */
export type CopyRow = readonly CellValue[];

/** The COPY text payload for `rows` over `columns`, every line ending in a newline. */
export function encodeCopyText(columns: readonly ColumnSpec[], rows: readonly CopyRow[]): string {
  const encoders = columns.map((c) => ENCODERS[c.type]);
  const cells = new Array<string>(encoders.length);
  let text = '';
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    for (let c = 0; c < encoders.length; c++) {
      const value = row[c];
      cells[c] = value === null || value === undefined ? NULL : encoders[c]!(value);
    }
    text += `${cells.join('\t')}\n`;
  }
  return text;
}

/** `COPY table (col, ...) FROM STDIN` for these columns, in PostgreSQL's text or binary format. */
export function copyStatement(table: string, columns: readonly ColumnSpec[], format: 'text' | 'binary' = 'text'): string {
  const statement = `COPY ${quoteIdent(table)} (${columns.map((c) => quoteIdent(c.name)).join(', ')}) FROM STDIN`;
  return format === 'binary' ? `${statement} WITH (FORMAT binary)` : statement;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
