// A recorder on the simulator with keys of every streamer service Schwab serves: every table fills live, and the live
// database equals a fresh replay of the recording, table by table (replay and live share everything after capture,
// so a row lost, doubled or decoded differently live shows here).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { createPool } from '../../src/db/connect.js';
import { createLogger } from '../../src/log/logger.js';
import { startRecorder } from '../../src/recorder/recorder.js';
import { startSimulator } from '../../src/sim/index.js';
import { contents, replayInto, type Contents } from '../support/contents.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { recorderConfig } from '../support/recorder-config.js';

/**
 * What each service leaves, by table and key column, for the first key config/default.json subscribes on it: the
 * default config is what a fresh `npm run demo` records, so this is also the check that the demo fills every table.
 */
function expected(stream: Config['stream']): Array<{ table: string; where: string; what: string }> {
  const first = (keys: readonly string[], what: string): string => {
    if (keys[0] === undefined) throw new Error(`config/default.json subscribes no ${what} key`);
    return `'${keys[0].replaceAll("'", "''")}'`;
  };
  return [
    { table: 'equity_quotes', where: `symbol = ${first(stream.equities, 'LEVELONE_EQUITIES')}`, what: 'LEVELONE_EQUITIES' },
    { table: 'futures_quotes', where: `symbol = ${first(stream.futures, 'LEVELONE_FUTURES')}`, what: 'LEVELONE_FUTURES' },
    { table: 'futures_option_quotes', where: `symbol = ${first(stream.futuresOptions, 'LEVELONE_FUTURES_OPTIONS')}`, what: 'LEVELONE_FUTURES_OPTIONS' },
    { table: 'forex_quotes', where: `symbol = ${first(stream.forex, 'LEVELONE_FOREX')}`, what: 'LEVELONE_FOREX' },
    { table: 'price_data', where: `symbol = ${first(stream.chartEquities, 'CHART_EQUITY')}`, what: 'CHART_EQUITY' },
    { table: 'price_data', where: `symbol = ${first(stream.chartFutures, 'CHART_FUTURES')}`, what: 'CHART_FUTURES' },
    { table: 'book_snapshots', where: `service = 'NYSE_BOOK' AND symbol = ${first(stream.nyseBook, 'NYSE_BOOK')}`, what: 'NYSE_BOOK' },
    { table: 'book_snapshots', where: `service = 'NASDAQ_BOOK' AND symbol = ${first(stream.nasdaqBook, 'NASDAQ_BOOK')}`, what: 'NASDAQ_BOOK' },
    { table: 'book_snapshots', where: `service = 'OPTIONS_BOOK' AND symbol = ${first(stream.optionsBook, 'OPTIONS_BOOK')}`, what: 'OPTIONS_BOOK' },
    { table: 'screener_items', where: `service = 'SCREENER_EQUITY' AND screener_key = ${first(stream.screenerEquity, 'SCREENER_EQUITY')}`, what: 'SCREENER_EQUITY' },
    { table: 'screener_items', where: `service = 'SCREENER_OPTION' AND screener_key = ${first(stream.screenerOption, 'SCREENER_OPTION')}`, what: 'SCREENER_OPTION' },
    { table: 'account_activity', where: 'true', what: 'ACCT_ACTIVITY' },
  ];
}

/**
 * A near-the-money AAPL contract the simulator lists today: config/default.json subscribes no OPTIONS_BOOK key (any
 * fixed contract expires), so the test takes one from a simulator's chain, as a user would from Schwab's.
 */
async function listedContract(): Promise<string> {
  const sim = await startSimulator();
  try {
    const headers = { authorization: `Bearer ${sim.issueTokens().access_token}` };
    const chain = await (await fetch(`${sim.baseUrl}/marketdata/v1/chains?symbol=AAPL&strikeCount=2`, { headers })).json() as {
      callExpDateMap: Record<string, Record<string, Array<{ symbol: string }>>>;
    };
    const symbol = Object.values(Object.values(chain.callExpDateMap)[0] ?? {})[0]?.[0]?.symbol;
    if (symbol === undefined) throw new Error('the simulator listed no AAPL contract');
    return symbol;
  } finally {
    await sim.close();
  }
}

describe('a simulator session of every service', () => {
  let db: TestDatabase;
  let reference: TestDatabase;
  let dir: string;
  let recording: string;
  let tables: ReturnType<typeof expected>;

  beforeAll(async () => {
    db = await createTestDatabase();
    reference = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'every-service-test-'));
    const config = await recorderConfig(dir, db.url, {
      simulator: { updatesPerSecond: 300, heartbeatIntervalMs: 500, orderIntervalMs: 1000 },
      http: { port: 0, host: '127.0.0.1' },
      // The default stream keys of every service, plus a contract's book; no chain polling (its option contracts would only add load).
      stream: { optionsBook: [await listedContract()] },
      snapshots: { chains: { underlyings: [] }, orders: { pollIntervalMs: 60_000, lookbackDays: 1 }, transactions: { pollIntervalMs: 60_000, lookbackDays: 1 } },
    });
    tables = expected(config.stream);
    const logger = createLogger({ level: 'silent' });
    const pool = createPool(db.url, config, logger);
    const recorder = await startRecorder(config, pool, logger);
    await sleep(7000);
    await recorder.stop();
    await pool.end();
    recording = recorder.writer.folder;
  }, 90_000);
  afterAll(async () => {
    await db?.drop();
    await reference?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('fills the table of every service live, with Schwab\'s send time on every row', async () => {
    for (const { table, where, what } of tables) {
      const { rows: [r] } = await db.pool.query(`SELECT count(*)::int AS n, count(*) FILTER (WHERE sent_at IS NULL)::int AS unsent
                                                   FROM ${table} WHERE ${where}`);
      expect({ what, ...r }).toMatchObject({ what, unsent: 0 });
      expect(r.n, `${what} rows in ${table}`).toBeGreaterThan(0);
    }
    const { rows: rejected } = await db.pool.query('SELECT table_name, reason FROM rejected_rows');
    expect(rejected).toEqual([]);
  });

  it('equals a fresh replay of its recording, table by table', async () => {
    await replayInto(reference.pool, recording);
    const live: Contents = await contents(db.pool);
    const replayed: Contents = await contents(reference.pool);
    expect(Object.keys(live)).toEqual(Object.keys(replayed));
    for (const table of Object.keys(live)) expect(live[table], table).toEqual(replayed[table]);
    for (const { table } of tables) expect(live[table]?.length, table).toBeGreaterThan(0);
  });
});
