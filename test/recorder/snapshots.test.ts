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

// The seed tables REST snapshots fill, every column but serial ids and insert/update times.
const SEED_TABLES: Record<string, string> = {
  options_expirations: 'SELECT underlying_symbol, expiration_date, days_to_expiration, expiration_type, is_standard, is_leap FROM options_expirations',
  options_chains: `SELECT underlying_symbol, snapshot_datetime, status, strategy, underlying_price, interest_rate, implied_volatility, is_delayed, is_index,
                     (SELECT expiration_date FROM options_expirations e WHERE e.expiration_id = c.expiration_id) AS expiration FROM options_chains c`,
  options_contracts: `SELECT option_symbol, snapshot_datetime, put_call, strike_price, expiration_date, days_to_expiration, bid_price, ask_price,
                        delta, volatility, data_quality_flags FROM options_contracts`,
  option_deliverables: 'SELECT snapshot_datetime, symbol, asset_type, deliverable_units, currency_type FROM option_deliverables',
  orders: 'SELECT schwab_order_id, status, order_type, quantity, filled_quantity, price, entered_time, close_time FROM orders',
  order_legs: 'SELECT o.schwab_order_id, l.schwab_leg_id, l.instruction, l.instrument_symbol, l.quantity FROM order_legs l JOIN orders o USING (order_id)',
  transactions: 'SELECT schwab_activity_id, transaction_time, transaction_type, net_amount, (SELECT schwab_order_id FROM orders o WHERE o.order_id = t.order_id) AS order_ref FROM transactions t',
  transaction_items: 'SELECT transaction_time, amount, cost, price, fee_type, instrument_symbol FROM transaction_items',
  accounts: 'SELECT account_hash, account_type FROM accounts',
};

async function seedContents(pool: pg.Pool): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [table, select] of Object.entries(SEED_TABLES)) {
    out[table] = (await pool.query(`SELECT t::text AS line FROM (${select}) t ORDER BY 1`)).rows.map((r) => r.line as string);
  }
  return out;
}

describe('REST snapshots recorded from the simulator', () => {
  let db: TestDatabase;
  let reference: TestDatabase;
  let dir: string;
  let recording: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    reference = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'snapshots-test-'));
    const config = await recorderConfig(dir, db.url, {
      simulator: { updatesPerSecond: 100, heartbeatIntervalMs: 500, orderIntervalMs: 700 },
      http: { port: 0, host: '127.0.0.1' },
      // The simulator has no rate limit: polls of two accounts every 1.5 s, chains, and the balance polls after fills
      // ask more than Schwab's 120 a minute, and queued polls would see every order only once it is FILLED.
      schwab: { requestsPerMinute: 1200 },
      snapshots: { chains: { underlyings: ['AAPL'], intervalMs: 2000, strikeCount: 6, maxDte: 45 }, orders: { pollIntervalMs: 1500, lookbackDays: 30 }, transactions: { pollIntervalMs: 1500, lookbackDays: 30 },
        // Not what this test reads: their start-up requests would take the REST budget the order polls need.
        movers: { indexes: [] }, marketHours: { markets: [] } },
    });
    const logger = createLogger({ level: 'silent' });
    const pool = createPool(db.url, config, logger);
    const recorder = await startRecorder(config, pool, logger);
    try {
      // Until what the tests read has happened: three chain snapshots, an order polled WORKING and again FILLED,
      // a trade (a loaded machine can take much longer than the 7 s this once slept).
      await until(async () => {
        const { rows: [r] } = await db.pool.query(`SELECT
          (SELECT count(DISTINCT snapshot_datetime)::int FROM options_chains) AS snapshots,
          (SELECT count(*)::int FROM orders WHERE status = 'FILLED' AND updated_at > created_at) AS moved,
          (SELECT count(*)::int FROM transactions WHERE transaction_type = 'TRADE') AS trades`);
        return r.snapshots >= 3 && r.moved > 0 && r.trades > 0;
      }, 40_000, 'chain snapshots, an order seen WORKING then FILLED, and a trade');
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

  it('links every contract to its chain and every deliverable to its contract, with DTE matching the dates', async () => {
    const { rows: [r] } = await db.pool.query(`SELECT
      (SELECT count(*)::int FROM options_chains) AS chains,
      (SELECT count(*)::int FROM options_contracts) AS contracts,
      (SELECT count(*)::int FROM options_contracts c WHERE NOT EXISTS (SELECT 1 FROM options_chains h WHERE h.chain_id = c.chain_id AND h.snapshot_datetime = c.snapshot_datetime)) AS orphan_contracts,
      (SELECT count(*)::int FROM option_deliverables d WHERE NOT EXISTS (SELECT 1 FROM options_contracts c WHERE c.contract_id = d.contract_id)) AS orphan_deliverables,
      (SELECT count(DISTINCT snapshot_datetime)::int FROM options_chains) AS snapshots,
      (SELECT count(*)::int FROM options_expirations e WHERE e.days_to_expiration IS DISTINCT FROM (e.expiration_date - (SELECT max(snapshot_datetime) FROM options_chains)::date)) AS dte_mismatch`);
    expect(r.chains).toBeGreaterThan(0);
    expect(r.contracts).toBeGreaterThan(r.chains);
    expect(r.snapshots).toBeGreaterThanOrEqual(3); // a snapshot every 2 s over 7 s
    expect(r).toMatchObject({ orphan_contracts: 0, orphan_deliverables: 0, dte_mismatch: 0 });
  });

  it('keeps one row per order with its last status, every leg belonging to its order, and links fills to transactions', async () => {
    const { rows: [r] } = await db.pool.query(`SELECT
      (SELECT count(*)::int FROM orders) AS orders,
      (SELECT count(*)::int FROM orders WHERE status = 'FILLED') AS filled,
      (SELECT count(*)::int FROM (SELECT schwab_order_id FROM orders GROUP BY 1 HAVING count(*) > 1) d) AS duplicated,
      (SELECT count(*)::int FROM order_legs l WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.order_id = l.order_id)) AS orphan_legs,
      (SELECT count(*)::int FROM execution_legs x WHERE NOT EXISTS (SELECT 1 FROM order_activities a WHERE a.activity_id = x.activity_id)) AS orphan_executions,
      (SELECT count(*)::int FROM transactions WHERE transaction_type = 'TRADE') AS trades,
      (SELECT count(*)::int FROM transactions WHERE transaction_type = 'TRADE' AND order_id IS NULL) AS unlinked_trades`);
    expect(r.orders).toBeGreaterThan(0);
    expect(r.filled).toBeGreaterThan(0);
    expect(r).toMatchObject({ duplicated: 0, orphan_legs: 0, orphan_executions: 0, unlinked_trades: 0 });
    expect(r.trades).toBeGreaterThan(0);
    // Orders were polled while WORKING and again once FILLED: the row moved on, it was not duplicated.
    const { rows: moved } = await db.pool.query(`SELECT count(*)::int AS n FROM orders WHERE status = 'FILLED' AND updated_at > created_at`);
    expect(moved[0].n).toBeGreaterThan(0);
  });

  it('rebuilds the same seed tables from the recording, and a second replay changes nothing', async () => {
    await replayInto(reference.pool, recording);
    const replayed = await seedContents(reference.pool);
    expect(await seedContents(db.pool)).toEqual(replayed);
    await replayInto(reference.pool, recording);
    expect(await seedContents(reference.pool)).toEqual(replayed);
  });
});
