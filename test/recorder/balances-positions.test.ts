// Balances and positions recorded from the simulator (issue 14 items 1, 8, 9): the recorder polls every account's
// /accounts/{hash}?fields=positions at start, on an interval while the schedule is open and after ACCT_ACTIVITY
// fills; both simulated accounts (CASH and MARGIN) fill account_balances, and positions carry every asset type.
// Replaying the recording fills the same rows, and a second replay adds nothing.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/connect.js';
import { createLogger } from '../../src/log/logger.js';
import { startRecorder } from '../../src/recorder/recorder.js';
import { replayInto } from '../support/contents.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { recorderConfig } from '../support/recorder-config.js';
import { until } from '../support/until.js';

const BALANCES = `SELECT seq, snapshot_time, account_hash, account_display, account_type, liquidation_value, equity, buying_power,
                         cash_balance, initial_balances, projected_balances FROM account_balances ORDER BY seq, account_hash`;
const POSITIONS = `SELECT seq, account_hash, position_index, symbol, asset_type, cusip, long_quantity, market_value, instrument
                     FROM positions ORDER BY seq, account_hash, position_index`;

async function rows(pool: pg.Pool, sql: string): Promise<unknown[]> {
  return (await pool.query(sql)).rows;
}

describe('balances and positions recorded from the simulator', () => {
  let db: TestDatabase;
  let reference: TestDatabase;
  let dir: string;
  let recording: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    reference = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'balances-test-'));
    const config = await recorderConfig(dir, db.url, {
      simulator: { updatesPerSecond: 50, heartbeatIntervalMs: 500, orderIntervalMs: 1500 },
      http: { port: 0, host: '127.0.0.1' },
      stream: { options: [], chartEquities: ['SPY'] },
      snapshots: {
        chains: { underlyings: [] }, orders: { pollIntervalMs: 60_000 }, transactions: { pollIntervalMs: 60_000 },
        accounts: { pollIntervalMs: 60_000, afterActivityMs: 200 },
      },
    });
    const logger = createLogger({ level: 'silent' });
    const pool = createPool(db.url, config, logger);
    const recorder = await startRecorder(config, pool, logger);
    try {
      // Until both accounts have a snapshot at start and one after a fill: a loaded machine takes longer than 6 s.
      await until(async () => {
        const { rows } = await db.pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM (SELECT account_type FROM account_balances GROUP BY 1 HAVING count(*) >= 2) t`);
        return rows[0]!.n >= 2;
      }, 40_000, 'two balance snapshots of each account');
    } finally {
      await recorder.stop();
      await pool.end();
    }
    recording = recorder.writer.folder;
  }, 90_000);
  afterAll(async () => {
    await db?.drop();
    await reference?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores a balances row per account and snapshot: at start and again after fills, for the CASH and MARGIN accounts', async () => {
    const { rows: perAccount } = await db.pool.query<{ account_type: string; snapshots: number; hashes: number; displays: string[] }>(`
      SELECT account_type, count(*)::int AS snapshots, count(DISTINCT account_hash)::int AS hashes, array_agg(DISTINCT account_display) AS displays
        FROM account_balances GROUP BY account_type ORDER BY account_type`);
    expect(perAccount.map((r) => [r.account_type, r.hashes])).toEqual([['CASH', 1], ['MARGIN', 1]]);
    // The start poll, then one per burst of ACCT_ACTIVITY (an order every 1.5 s; the interval poll is a minute).
    for (const r of perAccount) expect(r.snapshots).toBeGreaterThanOrEqual(2);
    for (const r of perAccount) expect(r.displays).toEqual([expect.stringMatching(/^\.\.\.\d{3}$/)]);
    const { rows: [stored] } = await db.pool.query(`SELECT count(*)::int AS n FROM account_balances a JOIN accounts USING (account_hash)`);
    expect(stored.n).toBe(perAccount.reduce((n, r) => n + r.snapshots, 0));
  });

  it('fills the typed balances of each account type, the MARGIN ones NULL in the CASH account and back', async () => {
    const { rows: latest } = await db.pool.query(`
      SELECT DISTINCT ON (account_type) account_type, liquidation_value, cash_balance, total_cash, equity, buying_power, sma,
             initial_balances ? 'accountValue' AS initial, projected_balances ? 'cashAvailableForTrading' AS projected_cash
        FROM account_balances ORDER BY account_type, snapshot_time DESC`);
    const cash = latest.find((r) => r.account_type === 'CASH');
    const margin = latest.find((r) => r.account_type === 'MARGIN');
    expect(cash).toMatchObject({ equity: null, buying_power: null, sma: null, initial: true, projected_cash: true });
    expect(cash.liquidation_value).toBeGreaterThan(0);
    expect(cash.total_cash).toBe(cash.cash_balance);
    expect(margin).toMatchObject({ liquidation_value: null, total_cash: null, initial: true, projected_cash: false });
    expect(margin.equity).toBeGreaterThan(0);
    expect(margin.buying_power).toBeGreaterThan(0);
  });

  it('stores positions of every asset type: equity, ETF, option, mutual fund and cash equivalent', async () => {
    const { rows: types } = await db.pool.query(`
      SELECT b.account_type, p.asset_type, count(*)::int AS n, bool_and(p.market_value IS NOT NULL) AS valued
        FROM positions p JOIN account_balances b USING (seq, account_hash) GROUP BY 1, 2 ORDER BY 1, 2`);
    expect(types.map((r) => [r.account_type, r.asset_type])).toEqual([
      ['CASH', 'CASH_EQUIVALENT'], ['CASH', 'COLLECTIVE_INVESTMENT'], ['CASH', 'MUTUAL_FUND'],
      ['MARGIN', 'COLLECTIVE_INVESTMENT'], ['MARGIN', 'EQUITY'], ['MARGIN', 'OPTION'],
    ]);
    for (const r of types) expect(r.valued).toBe(true);
    const { rows: [option] } = await db.pool.query(`SELECT symbol, instrument FROM positions WHERE asset_type = 'OPTION' LIMIT 1`);
    expect(option.symbol).toMatch(/^SPY {3}\d{6}C\d{8}$/);
    expect(option.instrument).toMatchObject({ putCall: 'CALL', underlyingSymbol: 'SPY', type: 'VANILLA' });
  });

  it('fills the same rows when the recording is replayed, and a second replay adds nothing', async () => {
    await replayInto(reference.pool, recording);
    expect(await rows(reference.pool, BALANCES)).toEqual(await rows(db.pool, BALANCES));
    expect(await rows(reference.pool, POSITIONS)).toEqual(await rows(db.pool, POSITIONS));
    const before = [(await rows(reference.pool, BALANCES)).length, (await rows(reference.pool, POSITIONS)).length];
    await replayInto(reference.pool, recording);
    expect([(await rows(reference.pool, BALANCES)).length, (await rows(reference.pool, POSITIONS)).length]).toEqual(before);
  });
});
