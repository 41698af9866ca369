// Issue 14 item 9 for balances and positions: a recording made before the recorder decoded them holds account bodies
// (the start poll's /accounts/{hash}, journaled masked, without positions) — and a newer one holds
// ?fields=positions bodies. Replayed now, they fill account_balances and positions, and a second replay adds nothing.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactRestBody } from '../../src/capture/redact-rest.js';
import { replayInto } from '../support/contents.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const T0 = Date.parse('2024-11-27T15:00:00Z');
const HASH = 'E5B9D6C1A0F3E2D4C5B6A7980F1E2D3C4B5A69788796A5B4C3D2E1F0A9B8C7D6';
const [CASH, MARGIN] = redactRestBody(JSON.parse(readFileSync(new URL('../fixtures/samples/rest-accounts.json', import.meta.url), 'utf8'))) as Record<string, Record<string, unknown>>[];
const POSITIONS = readFileSync(new URL('../fixtures/captures/rest-account-positions.jsonl', import.meta.url), 'utf8')
  .trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
const withPositions = { securitiesAccount: { ...CASH!.securitiesAccount, positions: [POSITIONS[0], POSITIONS[1], POSITIONS[4]] } };

// REST lines as the REST client journals them (masked), in a session's order.
const LINES = [
  { path: '/trader/v1/accounts/accountNumbers', body: [{ accountNumber: '...678', hashValue: HASH }] },
  { path: `/trader/v1/accounts/${HASH}`, body: MARGIN },
  { path: `/trader/v1/accounts/${HASH}?fields=positions`, body: withPositions },
];

describe('a recording made before balances and positions were decoded', () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'balances-replay-'));
    const meta = { type: 'meta', format: 'schwab-recorder/1', recording: 'pre-balances', segment: 1, startedAt: new Date(T0).toISOString(), firstSeq: 1 };
    const lines = LINES.map((l, i) => ({ seq: i + 1, ts: T0 + (i + 1) * 1000, type: 'rest', method: 'GET', path: l.path, status: 200, body: l.body }));
    await writeFile(path.join(dir, '000001.ndjson'), `${[meta, ...lines].map((l) => JSON.stringify(l)).join('\n')}\n`);
  });
  afterAll(async () => {
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('fills account_balances and positions when replayed now, and a second replay adds nothing', async () => {
    const totals = await replayInto(db.pool, dir);
    expect(totals).toMatchObject({ rejected: 0, written: { account_balances: 2, positions: 3 } });
    const at = (seq: number) => new Date(T0 + seq * 1000);

    const { rows: balances } = await db.pool.query(`SELECT seq::int AS seq, snapshot_time, account_hash, account_display, account_type,
        liquidation_value, equity, maintenance_requirement, total_cash, is_in_call, initial_balances->'bondValue' AS bond_value,
        projected_balances FROM account_balances ORDER BY seq`);
    expect(balances).toEqual([
      { seq: 2, snapshot_time: at(2), account_hash: HASH, account_display: '...678', account_type: 'MARGIN', liquidation_value: null,
        equity: 5136.16, maintenance_requirement: 319.92, total_cash: null, is_in_call: null, bond_value: 18384,
        projected_balances: MARGIN!.securitiesAccount!.projectedBalances },
      { seq: 3, snapshot_time: at(3), account_hash: HASH, account_display: '...678', account_type: 'CASH', liquidation_value: 12.34,
        equity: null, maintenance_requirement: null, total_cash: 12.34, is_in_call: null, bond_value: 0,
        projected_balances: { cashAvailableForTrading: 12.34, cashAvailableForWithdrawal: 12.34 } },
    ]);

    // Every column of a stored position, as PostgreSQL holds it.
    const { rows: [fund] } = await db.pool.query(`SELECT * FROM positions WHERE symbol = 'NHFIX'`);
    expect({ ...fund, seq: Number(fund.seq) }).toEqual({
      snapshot_time: at(3), account_hash: HASH, account_display: '...678', position_index: 1, symbol: 'NHFIX', asset_type: 'MUTUAL_FUND',
      cusip: '665162699', description: 'Northern High Yield Fixed Income', long_quantity: 463.839, short_quantity: 0,
      average_price: 6.659616806694, average_long_price: 6.658004609783, average_short_price: null,
      tax_lot_average_long_price: 6.659616806694, tax_lot_average_short_price: null, market_value: 2764.48,
      current_day_profit_loss: 4.63839, current_day_profit_loss_percentage: 0.17, current_day_cost: 0,
      long_open_profit_loss: -324.509560000138, short_open_profit_loss: null, maintenance_requirement: 0,
      settled_long_quantity: 463.839, settled_short_quantity: 0, aged_quantity: 0, previous_session_long_quantity: 463.839,
      previous_session_short_quantity: null, instrument: { netChange: 0.01, type: 'NO_LOAD_TAXABLE' }, seq: 3,
    });
    const { rows: symbols } = await db.pool.query(`SELECT symbol, asset_type FROM positions ORDER BY position_index`);
    expect(symbols).toEqual([
      { symbol: 'GDX', asset_type: 'COLLECTIVE_INVESTMENT' }, { symbol: 'NHFIX', asset_type: 'MUTUAL_FUND' }, { symbol: 'MMDA1', asset_type: 'CASH_EQUIVALENT' },
    ]);

    const again = await replayInto(db.pool, dir);
    expect(again.written).not.toHaveProperty('account_balances');
    expect(again.written).not.toHaveProperty('positions');
    const { rows: [counts] } = await db.pool.query(`SELECT (SELECT count(*)::int FROM account_balances) AS balances, (SELECT count(*)::int FROM positions) AS positions`);
    expect(counts).toEqual({ balances: 2, positions: 3 });
  });
});
