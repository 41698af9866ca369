// 'transactions' snapshots → transactions and transaction_items (and the accounts their paths name).
//
// - transactions are upserted by (schwab_activity_id, transaction_time), the partition key being part of the key;
//   updated_at is the capture time of the body that last changed the row, and an older body changes nothing.
// - order_id links to orders.schwab_order_id when that order is stored; otherwise it stays NULL until the orders
//   writer stores the order (schwab_order_id is kept for that), and a link is never cleared. account_id as in the
//   orders writer.
// - items have no key of their own: a transaction's items are replaced (deleted, then inserted in body order) when
//   they differ from the stored ones, so replaying a body neither duplicates nor rewrites them.
// The flusher creates the monthly partitions of transactionPartitionInstants(records) before its transaction.
import type { AccountRow } from '../../decode/rest/accounts.js';
import {
  ITEM_COLUMNS, ITEM_VALUE_COLUMNS, TRANSACTION_COLUMNS, TRANSACTION_VALUE_COLUMNS,
  type TransactionItemRow, type TransactionRow, type TransactionsSnapshot,
} from '../../decode/rest/transactions.js';
import type { ColumnSpec } from '../../decode/tables.js';
import { upsertAccounts } from './accounts.js';
import {
  ACCOUNT_OF_STAGE, applyStage, dataOf, emptyResult, fillStage, keyOf, lastPerKey, names, runStep, updates,
  type Staged, type Step,
} from './stage.js';
import type { SnapshotRecord, SnapshotWriter } from './types.js';

/** The transaction times of these records, one instant per UTC month: the partitions the flusher must ensure. */
export function transactionPartitionInstants(records: readonly SnapshotRecord[]): Date[] {
  const months = new Set<number>();
  for (const { snapshot } of records) {
    if (snapshot.kind !== 'transactions') continue;
    for (const { transaction } of (snapshot.data as TransactionsSnapshot).transactions) {
      const at = new Date(transaction.transaction_time);
      months.add(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
    }
  }
  return [...months].sort((a, b) => a - b).map((ms) => new Date(ms));
}

const TRANSACTION_UPSERT = `
  INSERT INTO transactions AS t (schwab_activity_id, transaction_time, account_id, order_id, ${names(TRANSACTION_VALUE_COLUMNS)},
                                 created_at, updated_at)
  SELECT s.schwab_activity_id, s.transaction_time, ${ACCOUNT_OF_STAGE},
         (SELECT o.order_id FROM orders o WHERE o.schwab_order_id = s.schwab_order_id),
         ${names(TRANSACTION_VALUE_COLUMNS, 's.')}, s.observed_at, s.observed_at
    FROM stage_transactions s WHERE s.row_index = ANY($1::int[])
  ON CONFLICT (schwab_activity_id, transaction_time) DO UPDATE SET ${updates(TRANSACTION_VALUE_COLUMNS)},
    account_id = COALESCE(EXCLUDED.account_id, t.account_id),
    order_id = COALESCE(EXCLUDED.order_id, t.order_id),
    updated_at = EXCLUDED.updated_at
  WHERE ((${names(TRANSACTION_VALUE_COLUMNS, 't.')}, t.account_id, t.order_id)
         IS DISTINCT FROM (${names(TRANSACTION_VALUE_COLUMNS, 'EXCLUDED.')},
                           COALESCE(EXCLUDED.account_id, t.account_id), COALESCE(EXCLUDED.order_id, t.order_id)))
    AND t.updated_at <= EXCLUDED.updated_at`;

const TRANSACTIONS: Step<TransactionRow> = {
  table: 'transactions', stage: 'stage_transactions', columns: TRANSACTION_COLUMNS, write: [TRANSACTION_UPSERT],
};

type ItemRow = TransactionItemRow & { observed_at: number };

const TRANSACTION_OF_ROW = 't.schwab_activity_id = s.schwab_activity_id AND t.transaction_time = s.transaction_time';

const ITEMS: Step<ItemRow> = {
  table: 'transaction_items',
  stage: 'stage_transaction_items',
  columns: [...ITEM_COLUMNS, { name: 'observed_at', type: 'timestamptz' }],
  orphans: `NOT EXISTS (SELECT 1 FROM transactions t WHERE ${TRANSACTION_OF_ROW})`,
  orphanReason: (r) => `its transactions row (activityId ${r.schwab_activity_id} at ${new Date(r.transaction_time).toISOString()}) was not written`,
  // Inserted in body order, so item_id order is transferItems order.
  write: [`
    INSERT INTO transaction_items (transaction_id, transaction_time, ${names(ITEM_VALUE_COLUMNS)}, created_at)
    SELECT t.transaction_id, t.transaction_time, ${names(ITEM_VALUE_COLUMNS, 's.')}, s.observed_at
      FROM stage_transaction_items s JOIN transactions t ON ${TRANSACTION_OF_ROW}
     WHERE s.row_index = ANY($1::int[])
     ORDER BY s.row_index`],
};

/** An item as the table stores it: numerics rounded to their column's scale, so equal values compare equal. */
const itemTuple = (columns: readonly ColumnSpec[], alias: string): string => `ROW(${columns.map((c) => (c.numeric === undefined
  ? `${alias}.${c.name}` : `round(${alias}.${c.name}, ${c.numeric.scale})`)).join(', ')})::text`;

// The written transactions (not older than the stored row) whose stored items differ from the body's. Aggregated
// per transaction on both sides and hash-joined: linear in the batch, not one scan of the stage per transaction.
const CHANGED_ITEMS = `
  WITH written AS (
    SELECT t.transaction_id, t.transaction_time, s.schwab_activity_id
      FROM stage_transactions s JOIN transactions t ON ${TRANSACTION_OF_ROW}
     WHERE s.row_index = ANY($1::int[]) AND t.updated_at <= s.observed_at
  ), staged AS (
    SELECT i.schwab_activity_id, i.transaction_time, array_agg(${itemTuple(ITEM_VALUE_COLUMNS, 'i')} ORDER BY i.item_index) AS items
      FROM stage_transaction_items i GROUP BY 1, 2
  ), stored AS (
    SELECT i.transaction_id, i.transaction_time, array_agg(${itemTuple(ITEM_VALUE_COLUMNS, 'i')} ORDER BY i.item_id) AS items
      FROM transaction_items i JOIN written w USING (transaction_id, transaction_time) GROUP BY 1, 2
  )
  SELECT w.transaction_id, w.transaction_time, w.schwab_activity_id
    FROM written w
    LEFT JOIN staged g ON g.schwab_activity_id = w.schwab_activity_id AND g.transaction_time = w.transaction_time
    LEFT JOIN stored d ON d.transaction_id = w.transaction_id AND d.transaction_time = w.transaction_time
   WHERE g.items IS DISTINCT FROM d.items`;

const DELETE_ITEMS = `
  DELETE FROM transaction_items i USING unnest($1::bigint[], $2::timestamptz[]) AS r(transaction_id, transaction_time)
   WHERE i.transaction_id = r.transaction_id AND i.transaction_time = r.transaction_time`;

export const transactionsWriter: SnapshotWriter = {
  kind: 'transactions',
  async write(client, records) {
    const out = emptyResult();
    const snapshots = dataOf<TransactionsSnapshot>('transactions', records);
    const entries = lastPerKey(snapshots.flatMap(({ data, seq }) => data.transactions.map((row) => ({ row, seq }))),
      (e) => transactionKey(e.transaction));
    const transactions = entries.map(({ row, seq }): Staged<TransactionRow> => ({ row: row.transaction, seq }));
    const items = entries.flatMap(({ row, seq }) => row.items.map((item): Staged<ItemRow> => ({
      row: { ...item, observed_at: row.transaction.observed_at }, seq,
    })));

    await upsertAccounts(client, transactions.flatMap(({ row, seq }): Staged<AccountRow>[] => (row.account_hash === null ? [] : [{
      seq, row: { account_hash: row.account_hash, display_name: row.account_display, account_type: null, observed_at: row.observed_at },
    }])), out);
    const written = await runStep(client, TRANSACTIONS, transactions, out);

    const stage = await fillStage(client, ITEMS, items);
    const { rows: changed } = await client.query<{ transaction_id: string; transaction_time: Date; schwab_activity_id: string }>(
      CHANGED_ITEMS, [written]);
    if (changed.length > 0) await client.query(DELETE_ITEMS, [changed.map((c) => c.transaction_id), changed.map((c) => c.transaction_time)]);
    const replace = new Set(changed.map((c) => transactionKey({ schwab_activity_id: Number(c.schwab_activity_id), transaction_time: c.transaction_time.getTime() })));
    const indexes = items.flatMap(({ row }, i) => (replace.has(transactionKey(row)) ? [i] : []));
    await applyStage(client, stage, out, indexes);
    return out;
  },
};

const transactionKey = (r: { schwab_activity_id: number; transaction_time: number }): string => keyOf(r.schwab_activity_id, r.transaction_time);
