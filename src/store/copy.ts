// COPY rows into a table inside the flush transaction; when PostgreSQL rejects the data, find the bad rows by
// bisection under savepoints, so the rest of the batch commits and only the bad rows are quarantined.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { ColumnSpec } from '../decode/tables.js';
import { BINARY_HEADER, BINARY_TRAILER, CopyBinaryEncoder } from './copy-binary.js';
import { copyStatement, encodeCopyText, type CopyRow } from './copy-text.js';

/** Rows per encoded chunk: bounds the size of any one string while keeping writes large. */
const CHUNK_ROWS = 2000;

export interface RejectedRow {
  index: number;
  reason: string;
}

/**
 * Streams the rows through one `COPY ... FROM STDIN`. `binary` (see copy-binary.ts) needs every column's type in
 * `columns` to be exactly the table's type, and no numeric column; text converts whatever it can.
 */
export async function copyRows(
  client: pg.ClientBase, table: string, columns: readonly ColumnSpec[], rows: readonly CopyRow[], format: 'text' | 'binary' = 'text',
): Promise<void> {
  if (rows.length === 0) return;
  const binary = format === 'binary';
  const target = client.query(copyFrom(copyStatement(table, columns, binary ? 'binary' : 'text')));
  let encodeError: unknown = null;
  const chunks = binary ? binaryChunks(columns, rows) : textChunks(columns, rows);
  const source = Readable.from((function* () {
    try {
      yield* chunks;
    } catch (error) {
      encodeError = error;
      throw error;
    }
  })());
  try {
    await pipeline(source, target);
  } catch (error) {
    // A value the encoder cannot write is about the data, like a value PostgreSQL refuses: bisect it out.
    if (encodeError !== null) throw Object.assign(new Error(`cannot encode a row for COPY: ${String((encodeError as Error).message ?? encodeError)}`), { code: ENCODE_FAILED });
    throw error;
  }
}

/** The code of an encoder failure (not a SQLSTATE): treated as a data error by the bisection. */
export const ENCODE_FAILED = 'ENCODE_FAILED';

function* textChunks(columns: readonly ColumnSpec[], rows: readonly CopyRow[]): Generator<string> {
  for (let i = 0; i < rows.length; i += CHUNK_ROWS) yield encodeCopyText(columns, rows.slice(i, i + CHUNK_ROWS));
}

function* binaryChunks(columns: readonly ColumnSpec[], rows: readonly CopyRow[]): Generator<Buffer> {
  const encoder = new CopyBinaryEncoder(columns);
  yield BINARY_HEADER;
  for (let i = 0; i < rows.length; i += CHUNK_ROWS) yield encoder.encode(rows.slice(i, i + CHUNK_ROWS));
  yield BINARY_TRAILER;
}

/**
 * Runs `write(rows)` under a savepoint. If PostgreSQL rejects the data (a constraint, an overflow, a bad value),
 * halves the rows and retries each half, down to single rows: returns the indexes of the rows it could not write,
 * with PostgreSQL's reason. Errors that are not about the data (connection lost, server shutdown) propagate.
 */
export async function writeWithBisect<T>(
  client: pg.ClientBase, rows: readonly T[], write: (rows: readonly T[]) => Promise<void>, offset = 0,
): Promise<RejectedRow[]> {
  if (rows.length === 0) return [];
  await client.query('SAVEPOINT bisect');
  try {
    await write(rows);
    await client.query('RELEASE SAVEPOINT bisect');
    return [];
  } catch (error) {
    if (!isDataError(error)) throw error;
    await client.query('ROLLBACK TO SAVEPOINT bisect');
    await client.query('RELEASE SAVEPOINT bisect');
    if (rows.length === 1) return [{ index: offset, reason: describe(error) }];
    const half = Math.ceil(rows.length / 2);
    return [
      ...await writeWithBisect(client, rows.slice(0, half), write, offset),
      ...await writeWithBisect(client, rows.slice(half), write, offset + half),
    ];
  }
}

/**
 * SQLSTATE classes about the data itself: 22 data exception (overflow, bad value, invalid byte sequence),
 * 23 integrity constraint, 54 program limit (a value nested past the server's stack depth); and our encoder failing. Everything else (08 connection, 57 operator intervention, 53 resources...) is not.
 */
export function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23') || code.startsWith('54') || code === ENCODE_FAILED);
}

function describe(error: unknown): string {
  const e = error as { code?: string; message?: string; column?: string; constraint?: string; detail?: string };
  const where = e.constraint ? ` (constraint ${e.constraint})` : e.column ? ` (column ${e.column})` : '';
  return `${e.code ?? 'error'}: ${e.message ?? String(error)}${where}`;
}
