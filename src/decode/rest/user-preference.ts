// GET /trader/v1/userPreference bodies → a 'preferences' snapshot: the nickname Schwab shows for each account
// (schwab-protocol.md §2). The session fetches this body for streamerInfo on every connect; its `accounts[]` are
// what is stored. `offers` and `streamerInfo` are not kept (ids of the session, not of the account).
//
// Which stored account an entry is: userPreference carries no hashValue, and its accountNumber is masked before
// the body is recorded (capture/redact-rest.ts: "12345678" → "...678"), which is exactly how accounts.display_name
// shows the account (decode/rest/accounts.ts). So the entry's masked accountNumber is matched against
// accounts.display_name, and the entry is applied only when exactly ONE stored account shows it (two linked
// accounts ending in the same three digits cannot be told apart: neither gets the nickname). An entry without an
// accountNumber falls back to its displayAcctId, which Schwab builds the same way ("...678").
// display_name is not rewritten: it already holds the masked number, which is the form of displayAcctId, and orders
// without a hash are matched by it (store/snapshots/stage.ts). The entry's `type` (BROKERAGE), primaryAccount and
// accountColor have no column and are left in the recording.
import { jsonExcerpt } from '../json-text.js';
import { isObject } from '../item.js';
import { accountDisplay, text } from './trader.js';
import { emptyResult, type RestDecoder } from './types.js';

export interface PreferenceRow {
  /** What accounts.display_name must equal: the masked accountNumber, else displayAcctId. */
  account_display: string;
  display_acct_id: string | null;
  nickname: string | null;
  observed_at: number;
}

export interface PreferencesSnapshot {
  preferences: PreferenceRow[];
}

export const decodeUserPreference: RestDecoder = (body, context) => {
  const result = emptyResult();
  // The portal's schema shows an array of preference objects; real bodies are one object.
  const bodies = Array.isArray(body) ? body : [body];
  const preferences: PreferenceRow[] = [];
  for (const preference of bodies) {
    if (!isObject(preference)) {
      result.rejects.push({ table: 'accounts', reason: 'userPreference body is not an object', raw: jsonExcerpt(preference) });
      continue;
    }
    const accounts = preference['accounts'];
    if (accounts === undefined) continue;
    if (!Array.isArray(accounts)) {
      result.rejects.push({ table: 'accounts', reason: 'userPreference accounts is not a list', raw: jsonExcerpt(accounts) });
      continue;
    }
    for (const entry of accounts) {
      const row = isObject(entry) ? preferenceRow(entry, context.receivedAt) : null;
      if (row === null) result.rejects.push({ table: 'accounts', reason: 'userPreference account without an accountNumber or displayAcctId', raw: jsonExcerpt(entry) });
      else preferences.push(row);
    }
  }
  if (preferences.length > 0) result.snapshots.push({ kind: 'preferences', data: { preferences } satisfies PreferencesSnapshot });
  return result;
};

function preferenceRow(entry: Record<string, unknown>, observedAt: number): PreferenceRow | null {
  const displayAcctId = text(entry['displayAcctId']);
  // accountDisplay masks again: a masked value stays as it is, an unmasked one (a body not from a recording) is masked.
  const display = accountDisplay(entry['accountNumber']) ?? (displayAcctId === '' ? null : displayAcctId);
  if (display === null) return null;
  return { account_display: display, display_acct_id: displayAcctId, nickname: text(entry['nickName']), observed_at: observedAt };
}
