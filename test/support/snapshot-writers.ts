// Runs the snapshot writers exactly as the flusher does (the registry's order), in one committed transaction.
import type pg from 'pg';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { RestDecodeResult } from '../../src/decode/rest/types.js';
import { writeSnapshots as writeAll } from '../../src/store/snapshots/registry.js';
import type { SnapshotRecord, SnapshotWriteResult } from '../../src/store/snapshots/types.js';
import { createTestDatabase, type TestDatabase } from './database.js';

/**
 * A database of its own for the calling describe block, with `tables` emptied (ids restarted) before each test, so
 * every writer test starts from the same state.
 */
export function writerDatabase(tables: readonly string[]): { readonly pool: pg.Pool } {
  let db: TestDatabase | undefined;
  beforeAll(async () => { db = await createTestDatabase(); });
  afterAll(async () => { await db?.drop(); });
  beforeEach(async () => { await db!.pool.query(`TRUNCATE ${tables.join(', ')} RESTART IDENTITY CASCADE`); });
  return { get pool() { return db!.pool; } };
}

/** The snapshots of decoded bodies as records; `seq` is the recording line of each body. */
export function recordsOf(...decoded: Array<{ result: RestDecodeResult; seq: number }>): SnapshotRecord[] {
  return decoded.flatMap(({ result, seq }) => result.snapshots.map((snapshot) => ({ snapshot, seq })));
}

/** Writes the records in one committed transaction; the writers' results summed. */
export async function writeSnapshots(pool: pg.Pool, records: readonly SnapshotRecord[]): Promise<SnapshotWriteResult> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const out = await writeAll(client, records);
    await client.query('COMMIT');
    return out;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

/** Row counts of the tables the REST snapshot writers fill. */
export async function tableCounts(pool: pg.Pool): Promise<Record<string, number>> {
  const tables = ['accounts', 'symbols', 'orders', 'order_legs', 'order_activities', 'execution_legs', 'transactions', 'transaction_items'];
  const counts: Record<string, number> = {};
  for (const table of tables) counts[table] = Number((await pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  return counts;
}
