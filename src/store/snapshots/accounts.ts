// 'accounts' snapshots → accounts, upserted by account_hash. Also the account lookup the orders and transactions
// writers use: the account of a request path is inserted when unknown, so its rows can point at it.
//
// account_number stays NULL: recordings hold masked numbers only. updated_at is the capture time of the body that last
// changed the row, and an older body never overwrites a newer one (a replay of an old recording changes nothing).
import type pg from 'pg';
import type { AccountRow, AccountsSnapshot } from '../../decode/rest/accounts.js';
import type { ColumnSpec } from '../../decode/tables.js';
import { dataOf, emptyResult, fillStage, applyStage, keyOf, type Staged, type Step } from './stage.js';
import type { SnapshotWriteResult, SnapshotWriter } from './types.js';

const COLUMNS: readonly ColumnSpec[] = [
  { name: 'account_hash', type: 'text' }, { name: 'display_name', type: 'text' }, { name: 'account_type', type: 'text' },
  { name: 'observed_at', type: 'timestamptz' },
];

// A NULL in the row means "the body does not say": the stored value stays. A listed account is active.
const UPSERT = `
  INSERT INTO accounts AS t (account_hash, display_name, account_type, is_active, created_at, updated_at)
  SELECT account_hash, display_name, account_type, TRUE, observed_at, observed_at
    FROM stage_accounts WHERE row_index = ANY($1::int[])
  ON CONFLICT (account_hash) DO UPDATE SET
    display_name = COALESCE(EXCLUDED.display_name, t.display_name),
    account_type = COALESCE(EXCLUDED.account_type, t.account_type),
    is_active = TRUE,
    updated_at = EXCLUDED.updated_at
  WHERE (t.display_name, t.account_type, t.is_active)
        IS DISTINCT FROM (COALESCE(EXCLUDED.display_name, t.display_name), COALESCE(EXCLUDED.account_type, t.account_type), TRUE)
    AND t.updated_at <= EXCLUDED.updated_at`;

const ACCOUNTS: Step<AccountRow> = { table: 'accounts', stage: 'stage_accounts', columns: COLUMNS, write: [UPSERT] };

// Accounts a complete listing (accountNumbers) no longer names are no longer linked.
const DEACTIVATE = `
  UPDATE accounts SET is_active = FALSE, updated_at = $2
   WHERE is_active AND account_hash <> ALL($1::text[]) AND updated_at <= $2`;

export const accountsWriter: SnapshotWriter = {
  kind: 'accounts',
  async write(client, records) {
    const out = emptyResult();
    const snapshots = dataOf<AccountsSnapshot>('accounts', records);
    await upsertAccounts(client, snapshots.flatMap(({ data, seq }) => data.accounts.map((row) => ({ row, seq }))), out);
    const listing = snapshots.filter(({ data }) => data.complete).at(-1);
    if (listing !== undefined && listing.data.accounts.length > 0) {
      const observedAt = Math.max(...listing.data.accounts.map((a) => a.observed_at));
      const { rowCount } = await client.query(DEACTIVATE, [listing.data.accounts.map((a) => a.account_hash), new Date(observedAt)]);
      out.written['accounts'] = (out.written['accounts'] ?? 0) + (rowCount ?? 0);
    }
    return out;
  },
};

/**
 * Upserts accounts; rows of the same hash are merged first, later values over earlier ones, NULL meaning "not said".
 * Used by the orders and transactions writers for the accounts their paths name.
 */
export async function upsertAccounts(client: pg.ClientBase, rows: readonly Staged<AccountRow>[], out: SnapshotWriteResult): Promise<void> {
  const merged = new Map<string, Staged<AccountRow>>();
  for (const { row, seq } of rows) {
    const key = keyOf(row.account_hash);
    const before = merged.get(key)?.row;
    merged.set(key, {
      seq,
      row: {
        account_hash: row.account_hash,
        display_name: row.display_name ?? before?.display_name ?? null,
        account_type: row.account_type ?? before?.account_type ?? null,
        observed_at: Math.max(row.observed_at, before?.observed_at ?? row.observed_at),
      },
    });
  }
  if (merged.size === 0) return;
  const state = await fillStage(client, ACCOUNTS, [...merged.values()]);
  await applyStage(client, state, out);
}
