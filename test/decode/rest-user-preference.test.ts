// GET /trader/v1/userPreference → accounts.nickname, over the real body (test/fixtures/samples/rest-userpreference.json,
// z-Wind/schwab_api 2024-05) as a recording holds it: its accountNumber masked by capture ("12345678" → "...678").
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { redactRestBody } from '../../src/capture/redact-rest.js';
import { decodeAccounts } from '../../src/decode/rest/accounts.js';
import { decodeRestBody } from '../../src/decode/rest/router.js';
import { decodeUserPreference } from '../../src/decode/rest/user-preference.js';
import { recordsOf, writeSnapshots, writerDatabase } from '../support/snapshot-writers.js';

const sample = (file: string): unknown => redactRestBody(JSON.parse(readFileSync(new URL(`../fixtures/samples/${file}`, import.meta.url), 'utf8')));
const PREFERENCE = sample('rest-userpreference.json');
const ACCOUNTS = sample('rest-accounts.json') as unknown[];
const PATH = '/trader/v1/userPreference';
const T = Date.parse('2024-11-27T15:00:00Z');
const HASH = 'E5B9D6C1A0F3E2D4C5B6A7980F1E2D3C4B5A69788796A5B4C3D2E1F0A9B8C7D6';
const OTHER = 'A'.repeat(64);

describe('decodeUserPreference', () => {
  it('reads each account entry of the real body: its masked number, displayAcctId and nickname', () => {
    const result = decodeRestBody(PREFERENCE, { path: PATH, receivedAt: T });
    expect(result).toStrictEqual({
      rows: [], rejects: [],
      snapshots: [{ kind: 'preferences', data: { preferences: [{ account_display: '...678', display_acct_id: '...123', nickname: 'Individual', observed_at: T }] } }],
    });
  });

  it('falls back to displayAcctId without an accountNumber, and rejects an entry with neither', () => {
    const result = decodeUserPreference({ accounts: [{ displayAcctId: '...901', nickName: 'Roth IRA' }, { nickName: 'lost' }, 5] }, { path: PATH, receivedAt: T });
    expect(result.snapshots[0]?.data).toEqual({ preferences: [{ account_display: '...901', display_acct_id: '...901', nickname: 'Roth IRA', observed_at: T }] });
    expect(result.rejects).toEqual([
      { table: 'accounts', reason: 'userPreference account without an accountNumber or displayAcctId', raw: '{"nickName":"lost"}' },
      { table: 'accounts', reason: 'userPreference account without an accountNumber or displayAcctId', raw: '5' },
    ]);
  });
});

describe('nicknames written', () => {
  const db = writerDatabase(['accounts']);
  const account = (hash: string, body: unknown, at: number, seq: number) =>
    ({ result: decodeAccounts(body, { path: `/trader/v1/accounts/${hash}`, receivedAt: at }), seq });
  const preference = (body: unknown, at: number, seq: number) => ({ result: decodeUserPreference(body, { path: PATH, receivedAt: at }), seq });
  const stored = async () => (await db.pool.query('SELECT account_hash, account_number, display_name, nickname, account_type, is_active, updated_at FROM accounts ORDER BY account_id')).rows;

  it('gives the stored account that shows the masked number its nickname, in the same batch as the account', async () => {
    // The body's preference comes first in the recording: the accounts writer runs first in a flush all the same.
    const result = await writeSnapshots(db.pool, recordsOf(preference(PREFERENCE, T, 1), account(HASH, ACCOUNTS[1], T + 1000, 2)));
    expect(result.rejects).toEqual([]);
    expect(await stored()).toEqual([{
      account_hash: HASH, account_number: null, display_name: '...678', nickname: 'Individual', account_type: 'MARGIN', is_active: true,
      updated_at: new Date(T + 1000),
    }]);
  });

  it('a newer body renames, an older one (a replay of an old recording) does not, and an unknown account changes nothing', async () => {
    await writeSnapshots(db.pool, recordsOf(account(HASH, ACCOUNTS[1], T, 1), preference(PREFERENCE, T, 2)));
    const renamed = { accounts: [{ accountNumber: '...678', nickName: 'Trading' }, { accountNumber: '...999', nickName: 'Nobody' }] };
    expect((await writeSnapshots(db.pool, recordsOf(preference(renamed, T + 5000, 3)))).written).toMatchObject({ accounts: 1 });
    expect((await writeSnapshots(db.pool, recordsOf(preference(PREFERENCE, T + 2000, 4)))).written).toMatchObject({ accounts: 0 });
    expect(await stored()).toMatchObject([{ display_name: '...678', nickname: 'Trading', updated_at: new Date(T + 5000) }]);
  });

  it('leaves both accounts alone when two show the same masked number', async () => {
    await writeSnapshots(db.pool, recordsOf(account(HASH, ACCOUNTS[1], T, 1), account(OTHER, ACCOUNTS[0], T, 2), preference(PREFERENCE, T, 3)));
    expect((await stored()).map((a) => [a.display_name, a.nickname])).toEqual([['...678', null], ['...678', null]]);
  });
});
