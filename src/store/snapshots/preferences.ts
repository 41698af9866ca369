// 'preferences' snapshots (userPreference) → accounts.nickname of the stored account each entry names, by the
// matching rule of decode/rest/user-preference.ts: accounts.display_name equal to the entry's masked number, and
// exactly one account showing it. An entry whose account is not stored yet changes nothing (the recorder fetches
// userPreference again after accountNumbers: recorder/pollers.ts).
//
// Runs after the accounts writer (registry.ts), so accounts listed in the same batch are matched. A nickname is
// set when the account has none, else only by a body at least as new as the account's last change (updated_at):
// a replay of an old recording does not bring back an old nickname.
import type { PreferenceRow, PreferencesSnapshot } from '../../decode/rest/user-preference.js';
import type { ColumnSpec } from '../../decode/tables.js';
import { dataOf, emptyResult, keyOf, lastPerKey, runStep, type Step } from './stage.js';
import type { SnapshotWriter } from './types.js';

const COLUMNS: readonly ColumnSpec[] = [
  { name: 'account_display', type: 'text' }, { name: 'display_acct_id', type: 'text' }, { name: 'nickname', type: 'text' },
  { name: 'observed_at', type: 'timestamptz' },
];

const APPLY = `
  UPDATE accounts AS a SET
    nickname = COALESCE(s.nickname, a.nickname),
    updated_at = GREATEST(a.updated_at, s.observed_at)
  FROM stage_preferences s
  WHERE s.row_index = ANY($1::int[])
    AND a.display_name = s.account_display
    AND (SELECT count(*) FROM accounts b WHERE b.display_name = s.account_display) = 1
    AND a.nickname IS DISTINCT FROM COALESCE(s.nickname, a.nickname)
    AND (a.nickname IS NULL OR a.updated_at <= s.observed_at)`;

const PREFERENCES: Step<PreferenceRow> = { table: 'accounts', stage: 'stage_preferences', columns: COLUMNS, write: [APPLY] };

export const preferencesWriter: SnapshotWriter = {
  kind: 'preferences',
  async write(client, records) {
    const out = emptyResult();
    const rows = dataOf<PreferencesSnapshot>('preferences', records).flatMap(({ data, seq }) => data.preferences.map((row) => ({ row, seq })));
    await runStep(client, PREFERENCES, lastPerKey(rows, (r) => keyOf(r.account_display)), out);
    return out;
  },
};
