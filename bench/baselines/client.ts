// Baselines a plain pg client would write with, on the same rows into the same table, each batch its own
// transaction (as the recorder commits each flush): text COPY and binary COPY via pg-copy-streams, staging +
// ON CONFLICT, and 1000-row multi-row parameterised INSERT. No recorder code on the write side.
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { TABLES, type TableName } from '../../src/decode/tables.js';
import { BINARY_HEADER, BINARY_TRAILER, cell, encodeBinary, type AnyRow } from './encode.js';

export const BATCH_ROWS = 10_000;
const INSERT_ROWS = 1000;

const columnList = (table: TableName): string => TABLES[table].columns.map((c) => c.name).join(', ');

async function copyIn(client: pg.ClientBase, sql: string, chunks: Array<string | Buffer>): Promise<void> {
  await pipeline(Readable.from(chunks), client.query(copyFrom(sql)));
}

/** Splits a pre-encoded COPY text file into batches of BATCH_ROWS lines (before the clock starts). */
export async function textBatches(file: string): Promise<string[]> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  if (lines.at(-1) === '') lines.pop();
  const batches: string[] = [];
  for (let i = 0; i < lines.length; i += BATCH_ROWS) batches.push(`${lines.slice(i, i + BATCH_ROWS).join('\n')}\n`);
  return batches;
}

export async function textCopy(client: pg.ClientBase, table: TableName, batches: readonly string[]): Promise<void> {
  for (const batch of batches) await copyIn(client, `COPY ${table} (${columnList(table)}) FROM STDIN`, [batch]);
}

/** Binary tuples per batch, encoded before the clock starts (like the ceiling's pre-encoded file). */
export function binaryBatches(table: TableName, rows: readonly AnyRow[]): Buffer[] {
  const batches: Buffer[] = [];
  for (let i = 0; i < rows.length; i += BATCH_ROWS) batches.push(encodeBinary(TABLES[table].columns, rows.slice(i, i + BATCH_ROWS)));
  return batches;
}

export async function binaryCopy(client: pg.ClientBase, table: TableName, batches: readonly Buffer[]): Promise<void> {
  for (const batch of batches) {
    await copyIn(client, `COPY ${table} (${columnList(table)}) FROM STDIN (FORMAT binary)`, [BINARY_HEADER, batch, BINARY_TRAILER]);
  }
}

/**
 * COPY each batch into a temp table, then INSERT ... SELECT ... ON CONFLICT DO NOTHING: the level-one tables have
 * no unique key (append-only), so DO NOTHING has no conflict target and checks every unique index there is (none).
 */
export async function stagingUpsert(client: pg.ClientBase, table: TableName, batches: readonly string[]): Promise<void> {
  const columns = columnList(table);
  for (const batch of batches) {
    await client.query('BEGIN');
    await client.query(`CREATE TEMP TABLE stage (LIKE ${table} INCLUDING DEFAULTS) ON COMMIT DROP`);
    await copyIn(client, `COPY stage (${columns}) FROM STDIN`, [batch]);
    await client.query(`INSERT INTO ${table} (${columns}) SELECT ${columns} FROM stage ON CONFLICT DO NOTHING`);
    await client.query('COMMIT');
  }
}

/** 1000-row parameterised multi-row INSERTs (what most recorders do); values converted per row as a client would. */
export async function multiRowInsert(client: pg.ClientBase, table: TableName, rows: readonly AnyRow[]): Promise<void> {
  const columns = TABLES[table].columns;
  for (let i = 0; i < rows.length; i += INSERT_ROWS) {
    const part = rows.slice(i, i + INSERT_ROWS);
    const values: unknown[] = [];
    const tuples = part.map((row, r) => `(${columns.map((c, k) => {
      const v = cell(row, columns, k) ?? null;
      values.push(c.type === 'timestamptz' && typeof v === 'number' ? new Date(v) : c.type === 'jsonb' && v !== null ? JSON.stringify(v) : v);
      return `$${r * columns.length + k + 1}`;
    }).join(',')})`);
    await client.query(`INSERT INTO ${table} (${columnList(table)}) VALUES ${tuples.join(',')}`, values);
  }
}
