// Runs snapshot writers the way the flusher does: in one transaction, writers in dependency order (accounts and
// symbols, then orders, then the transactions that link to orders), each given the records of its kind.
import type pg from 'pg';
import type { RestDecodeResult } from '../../src/decode/rest/types.js';
import { accountsWriter } from '../../src/store/snapshots/accounts.js';
import { ordersWriter } from '../../src/store/snapshots/orders.js';
import { symbolsWriter } from '../../src/store/snapshots/symbols.js';
import { transactionsWriter } from '../../src/store/snapshots/transactions.js';
import type { SnapshotRecord, SnapshotWriteResult } from '../../src/store/snapshots/types.js';

const WRITERS = [accountsWriter, symbolsWriter, ordersWriter, transactionsWriter];

/** The snapshots of decoded bodies as records; `seq` is the recording line of each body. */
export function recordsOf(...decoded: Array<{ result: RestDecodeResult; seq: number }>): SnapshotRecord[] {
  return decoded.flatMap(({ result, seq }) => result.snapshots.map((snapshot) => ({ snapshot, seq })));
}

/** Writes the records in one committed transaction; the writers' results summed. */
export async function writeSnapshots(pool: pg.Pool, records: readonly SnapshotRecord[]): Promise<SnapshotWriteResult> {
  const client = await pool.connect();
  const out: SnapshotWriteResult = { written: {}, rejects: [] };
  try {
    await client.query('BEGIN');
    for (const writer of WRITERS) {
      const mine = records.filter((r) => r.snapshot.kind === writer.kind);
      if (mine.length === 0) continue;
      const result = await writer.write(client, mine);
      for (const [table, count] of Object.entries(result.written)) out.written[table] = (out.written[table] ?? 0) + count;
      out.rejects.push(...result.rejects);
    }
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
