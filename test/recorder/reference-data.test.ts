// A simulated session fills `fundamentals` for the recorded equities and gives the accounts their nicknames: the
// pollers ask the simulator for instruments (projection=fundamental) and for userPreference after accountNumbers,
// and the bodies go the whole way (capture, recording, decode, flush). A replay of the recording stores the same.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/connect.js';
import { createLogger } from '../../src/log/logger.js';
import { startRecorder } from '../../src/recorder/recorder.js';
import { replayInto } from '../support/contents.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { recorderConfig } from '../support/recorder-config.js';
import { until } from '../support/until.js';

const EQUITIES = ['AAPL', 'MSFT', 'SPY', 'KO'];

async function stored(pool: pg.Pool): Promise<{ accounts: unknown[]; fundamentals: unknown[]; symbols: unknown[] }> {
  return {
    accounts: (await pool.query('SELECT account_hash, display_name, nickname, account_type FROM accounts ORDER BY account_hash')).rows,
    fundamentals: (await pool.query('SELECT * FROM fundamentals ORDER BY symbol, as_of_date')).rows,
    symbols: (await pool.query(`SELECT symbol, description, exchange, cusip FROM symbols WHERE symbol = ANY($1) ORDER BY symbol`, [EQUITIES])).rows,
  };
}

describe('reference data recorded from the simulator', () => {
  let db: TestDatabase;
  let reference: TestDatabase;
  let dir: string;
  let recording: string;
  let startedAt: number;

  beforeAll(async () => {
    db = await createTestDatabase();
    reference = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'reference-data-'));
    const config = await recorderConfig(dir, db.url, {
      simulator: { updatesPerSecond: 20, heartbeatIntervalMs: 500 },
      http: { port: 0, host: '127.0.0.1' },
      stream: { equities: EQUITIES },
      snapshots: { chains: { underlyings: [] } },
    });
    const logger = createLogger({ level: 'silent' });
    const pool = createPool(db.url, config, logger);
    startedAt = Date.now();
    const recorder = await startRecorder(config, pool, logger);
    try {
      await until(async () => {
        const { rows: [r] } = await db.pool.query(`SELECT (SELECT count(*)::int FROM fundamentals) AS f, (SELECT count(nickname)::int FROM accounts) AS n`);
        return r.f === EQUITIES.length && r.n === 2;
      }, 20_000, 'fundamentals of every equity and two nicknames');
    } finally {
      await recorder.stop();
      await pool.end();
    }
    recording = recorder.writer.folder;
  }, 60_000);
  afterAll(async () => {
    await db?.drop();
    await reference?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores a fundamentals row per recorded equity for today in New York, and the symbols\' reference data', async () => {
    const { fundamentals, symbols } = await stored(db.pool);
    const today = DateTime.fromMillis(startedAt, { zone: 'America/New_York' }).toISODate();
    const rows = fundamentals as Record<string, unknown>[];
    expect(rows.map((r) => [r['symbol'], DateTime.fromJSDate(r['as_of_date'] as Date).toISODate()])).toEqual(EQUITIES.slice().sort().map((s) => [s, today]));
    // KO pays a dividend: every column a real body fills is filled (the spec's corpactionDate and fundStrategy are never sent).
    const ko = rows.find((r) => r['symbol'] === 'KO')!;
    expect(Object.entries(ko).filter(([, v]) => v === null).map(([k]) => k)).toEqual(['corpaction_date', 'fund_strategy']);
    expect(ko).toMatchObject({ dividend_amount: 2.04, dividend_freq: 4, pe_ratio: 23.5 });
    expect(symbols).toEqual([
      { symbol: 'AAPL', description: 'Apple Inc', exchange: 'NASDAQ', cusip: '037833100' },
      { symbol: 'KO', description: 'Coca-Cola Co', exchange: 'NYSE', cusip: '191216100' },
      { symbol: 'MSFT', description: 'Microsoft Corp', exchange: 'NASDAQ', cusip: '594918104' },
      { symbol: 'SPY', description: 'SPDR S&P 500 ETF', exchange: 'NYSE Arca', cusip: '78462F103' },
    ]);
  });

  it('gives each account the nickname userPreference shows for it', async () => {
    const { accounts } = await stored(db.pool);
    expect((accounts as Record<string, unknown>[]).map((a) => [a['account_type'], a['nickname']]).sort()).toEqual([['CASH', 'Roth IRA'], ['MARGIN', 'Individual']]);
    for (const a of accounts as Record<string, unknown>[]) expect(a['display_name']).toMatch(/^\.\.\.\d{3}$/);
  });

  it('stores the same when the recording is replayed into an empty database', async () => {
    await replayInto(reference.pool, recording);
    expect(await stored(reference.pool)).toEqual(await stored(db.pool));
  });
});
