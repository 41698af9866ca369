// The snapshot writers, in the order a flush runs them: what others reference goes first (accounts before the
// orders that point at them, orders before the transactions that link to them, expirations before chains).
import { accountsWriter } from './accounts.js';
import { CHAIN_PARTITIONED_TABLES, chainPartitionInstants, chainWriter, expirationsWriter } from './chains.js';
import { ordersWriter } from './orders.js';
import { symbolsWriter } from './symbols.js';
import { transactionPartitionInstants, transactionsWriter } from './transactions.js';
import type { SnapshotRecord, SnapshotWriter } from './types.js';

export interface RegisteredWriter {
  writer: SnapshotWriter;
  /** Partitioned tables the writer fills, with the instants of its rows: ensured before the transaction. */
  partitions?: (records: SnapshotRecord[]) => Array<{ table: string; instants: Date[] }>;
}

export const SNAPSHOT_WRITERS: readonly RegisteredWriter[] = [
  { writer: accountsWriter },
  { writer: symbolsWriter },
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
