// The snapshot writers, in the order a flush runs them: what others reference goes first (accounts before the
// orders that point at them, orders before the transactions that link to them, expirations before chains).
import { accountsWriter } from './accounts.js';
import { CHAIN_PARTITIONED_TABLES, chainPartitionInstants, chainWriter, expirationsWriter } from './chains.js';
import { fundamentalsWriter } from './fundamentals.js';
import { ordersWriter } from './orders.js';
import { preferencesWriter } from './preferences.js';
import { symbolsWriter } from './symbols.js';
import { transactionPartitionInstants, transactionsWriter } from './transactions.js';
import type pg from 'pg';
import type { SnapshotRecord, SnapshotWriteResult, SnapshotWriter } from './types.js';

export interface RegisteredWriter {
  writer: SnapshotWriter;
  /** Partitioned tables the writer fills, with the instants of its rows: ensured before the transaction. */
  partitions?: (records: SnapshotRecord[]) => Array<{ table: string; instants: Date[] }>;
}

export const SNAPSHOT_WRITERS: readonly RegisteredWriter[] = [
  { writer: accountsWriter },
  { writer: preferencesWriter },
  { writer: symbolsWriter },
  { writer: fundamentalsWriter },
  { writer: expirationsWriter },
  {
    writer: chainWriter,
    partitions: (records) => CHAIN_PARTITIONED_TABLES.map((table) => ({ table, instants: chainPartitionInstants(records) })),
  },
  { writer: ordersWriter },
  {
    writer: transactionsWriter,
    partitions: (records) => ['transactions', 'transaction_items'].map((table) => ({ table, instants: transactionPartitionInstants(records) })),
  },
];

/** Runs every writer, in order, on the records of its kind, inside the caller's transaction; results summed. */
export async function writeSnapshots(client: pg.ClientBase, records: readonly SnapshotRecord[]): Promise<SnapshotWriteResult> {
  const out: SnapshotWriteResult = { written: {}, rejects: [] };
  for (const { writer } of SNAPSHOT_WRITERS) {
    const mine = records.filter((r) => r.snapshot.kind === writer.kind);
    if (mine.length === 0) continue;
    const result = await writer.write(client, mine);
    for (const [table, n] of Object.entries(result.written)) out.written[table] = (out.written[table] ?? 0) + n;
    out.rejects.push(...result.rejects);
  }
  return out;
}
