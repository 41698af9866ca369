// The way the relational snapshot writers of accounts, symbols, orders and transactions put rows into PostgreSQL,
// inside the caller's flush transaction:
//   1. COPY the rows into a temp stage (ON COMMIT DROP: nothing outlives the transaction, so it works through a
//      transaction-mode pooler) with loose types, so only a broken value fails the COPY, and bisect if it does;
//   2. set aside the rows whose parent is not in the database (its own row was refused): rejected, not lost silently;
//   3. run the step's INSERT ... SELECT ... ON CONFLICT for the staged rows' indexes under writeWithBisect, so a row
//      PostgreSQL refuses (too long, overflow, constraint) is quarantined with its recording seq and the rest commits.
// Foreign keys are resolved by joins on natural keys in those statements, never from ids kept in memory.
import type pg from 'pg';
import type { CellValue, ColumnSpec, ColumnType, NamedRow } from '../../decode/tables.js';
import type { CopyRow } from '../copy-text.js';
import type { SnapshotKind } from '../../decode/rest/types.js';
import { copyRows, writeWithBisect } from '../copy.js';
import { quoteIdent } from '../copy-text.js';
import type { SnapshotRecord, SnapshotWriteResult } from './types.js';

/** A decoded row with the recording line it came from. */
export interface Staged<R> {
  row: R;
  seq: number;
}

export interface Step<R> {
  /** The table written (rejects and written counts are reported under it). */
  table: string;
  /** Temp table name, unique per step. */
  stage: string;
  /** Columns COPYed into the stage; row_index is added in front. */
  columns: readonly ColumnSpec[];
  /** A condition on stage row `s` that holds when the row's parent is missing from the database. */
  orphans?: string;
  orphanReason?: (row: R) => string;
  /** Statements run in order for the stage rows whose row_index is in `$1::int[]`. */
  write: readonly string[];
}

// A varchar limit, NUMERIC precision or int4 range is checked by the INSERT, where a refusal costs one row (bisected),
// not by the COPY into the stage, where it would cost the whole stage.
const STAGE_TYPES: Record<ColumnType, string> = {
  float8: 'float8', int4: 'bigint', int8: 'bigint', text: 'text', bool: 'boolean', timestamptz: 'timestamptz',
  date: 'date', jsonb: 'jsonb', 'text[]': 'text[]', numeric: 'numeric',
  'float8[]': 'float8[]', 'int4[]': 'bigint[]', 'int8[]': 'bigint[]',
};

export const ROW_INDEX: ColumnSpec = { name: 'row_index', type: 'int4' };

/** The COPY rows of a stage: row_index (the row's position in `rows`) first, then the step's columns by name. */
export function stageRows<R>(columns: readonly ColumnSpec[], rows: readonly { row: R }[]): CopyRow[] {
  return rows.map(({ row }, i) => {
    const named = row as NamedRow;
    const values: CellValue[] = [i];
    for (const column of columns) values.push(named[column.name] ?? null);
    return values;
  });
}

/** The data of each record, checked to be of `kind`. */
export function dataOf<T>(kind: SnapshotKind, records: readonly SnapshotRecord[]): { data: T; seq: number }[] {
  return records.map(({ snapshot, seq }) => {
    if (snapshot.kind !== kind) throw new Error(`the ${kind} snapshot writer was given a ${snapshot.kind} snapshot (seq ${seq})`);
    return { data: snapshot.data as T, seq };
  });
}

/**
 * One row per key, the last one (records come in recording order, so the newest snapshot wins): an upsert may not
 * touch a row twice in one statement.
 */
export function lastPerKey<R>(rows: readonly Staged<R>[], key: (row: R) => string): Staged<R>[] {
  const last = new Map<string, number>();
  rows.forEach(({ row }, i) => last.set(key(row), i));
  if (last.size === rows.length) return [...rows];
  return [...last.values()].sort((a, b) => a - b).map((i) => rows[i]!);
}

export const keyOf = (...parts: unknown[]): string => parts.map(String).join('\u0000');

export function emptyResult(): SnapshotWriteResult {
  return { written: {}, rejects: [] };
}

export interface StageState<R> {
  step: Step<R>;
  rows: readonly Staged<R>[];
  /** row_index → why the row was refused. */
  refused: Map<number, string>;
}

/** Steps 1 and 2: the rows staged (with row_index = their position in `rows`) and the orphans set aside. */
export async function fillStage<R>(client: pg.ClientBase, step: Step<R>, rows: readonly Staged<R>[]): Promise<StageState<R>> {
  const refused = new Map<number, string>();
  const columns = [ROW_INDEX, ...step.columns];
  const stage = quoteIdent(step.stage);
  // IF NOT EXISTS + TRUNCATE: a writer may run more than once in one transaction.
  await client.query(`CREATE TEMP TABLE IF NOT EXISTS ${stage} (${columns.map((c) => `${quoteIdent(c.name)} ${STAGE_TYPES[c.type]}`).join(', ')}) ON COMMIT DROP`);
  await client.query(`TRUNCATE ${stage}`);
  if (rows.length === 0) return { step, rows, refused };
  const staged = stageRows(step.columns, rows);
  for (const bad of await writeWithBisect(client, staged, (part) => copyRows(client, step.stage, columns, part))) {
    refused.set(bad.index, bad.reason);
  }
  if (step.orphans !== undefined) {
    const { rows: orphans } = await client.query<{ row_index: number }>(`SELECT s.row_index FROM ${stage} s WHERE ${step.orphans}`);
    for (const { row_index: index } of orphans) {
      if (!refused.has(index)) refused.set(index, step.orphanReason?.(rows[index]!.row) ?? 'its parent row was not written');
    }
  }
  return { step, rows, refused };
}

/**
 * Step 3 for the staged rows `indexes` (default: all not refused). Adds the rows PostgreSQL changed to
 * `out.written[table]` and every refused row to `out.rejects`; returns the indexes written (changed or not).
 */
export async function applyStage<R>(
  client: pg.ClientBase, state: StageState<R>, out: SnapshotWriteResult, indexes?: readonly number[],
): Promise<number[]> {
  const { step, rows, refused } = state;
  const candidates = (indexes ?? rows.map((_, i) => i)).filter((i) => !refused.has(i));
  let changed = 0;
  const bad = await writeWithBisect(client, candidates.map((i) => ({ row_index: i })), async (part) => {
    const ids = part.map((r) => r.row_index as number);
    let count = 0;
    for (const sql of step.write) count += (await client.query(sql, [ids])).rowCount ?? 0;
    changed += count; // only reached when every statement succeeded (a bisected retry counts its own rows)
  });
  for (const { index, reason } of bad) refused.set(candidates[index]!, reason);
  out.written[step.table] = (out.written[step.table] ?? 0) + changed;
  for (const [index, reason] of [...refused].sort((a, b) => a[0] - b[0])) {
    const { row, seq } = rows[index]!;
    out.rejects.push({ table: step.table, reason, raw: JSON.stringify(row), seq });
  }
  refused.clear(); // reported once
  return candidates.filter((i) => !bad.some((b) => candidates[b.index] === i));
}

/** All three steps. */
export async function runStep<R>(client: pg.ClientBase, step: Step<R>, rows: readonly Staged<R>[], out: SnapshotWriteResult): Promise<number[]> {
  const state = await fillStage(client, step, rows);
  return applyStage(client, state, out);
}

// ---------------------------------------------------------------- SQL pieces

export const names = (columns: readonly ColumnSpec[], prefix = ''): string => columns.map((c) => prefix + quoteIdent(c.name)).join(', ');
export const updates = (columns: readonly ColumnSpec[]): string =>
  columns.map((c) => `${quoteIdent(c.name)} = EXCLUDED.${quoteIdent(c.name)}`).join(', ');
/** `(t.a, t.b) IS DISTINCT FROM (EXCLUDED.a, EXCLUDED.b)`: an upsert that changes nothing leaves the row alone. */
export const changes = (columns: readonly ColumnSpec[]): string =>
  `(${names(columns, 't.')}) IS DISTINCT FROM (${names(columns, 'EXCLUDED.')})`;

/**
 * account_id of stage row `s`: by the hash of the request path, else by the masked number when exactly one stored
 * account shows it (the all-accounts orders listing has no hash).
 */
export const ACCOUNT_OF_STAGE = `COALESCE(
      (SELECT a.account_id FROM accounts a WHERE a.account_hash = s.account_hash),
      (SELECT min(a.account_id) FROM accounts a
        WHERE s.account_hash IS NULL AND a.display_name = s.account_display HAVING count(*) = 1))`;
