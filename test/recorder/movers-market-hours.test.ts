// A simulated session polls /movers and /markets (config snapshots.movers and snapshots.marketHours) and fills
// screener_items with source 'rest' next to the streamer's screener of the same key, and market_hours with today's
// products; a replay of its recording holds the same rows.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/connect.js';
import { createLogger } from '../../src/log/logger.js';
import { startRecorder } from '../../src/recorder/recorder.js';
import { etDateOf, isEarlyClose, isTradingDay } from '../../src/sim/calendar.js';
import { contents, replayInto } from '../support/contents.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { until } from '../support/until.js';
import { recorderConfig } from '../support/recorder-config.js';

const count = async (db: TestDatabase, where: string, table = 'screener_items'): Promise<number> =>
  (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`)).rows[0]!.n;

describe('movers and market hours recorded from the simulator', () => {
  let db: TestDatabase;
  let reference: TestDatabase;
  let dir: string;
  let recording: string;
  let day: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    reference = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'movers-hours-'));
    const config = await recorderConfig(dir, db.url, {
      simulator: { updatesPerSecond: 50, heartbeatIntervalMs: 500 },
      http: { port: 0, host: '127.0.0.1' },
      stream: { equities: ['AAPL'], options: [], screenerEquity: ['$SPX_VOLUME_0'] },
      snapshots: {
        chains: { underlyings: [] },
        movers: { indexes: ['$SPX', 'OPTION_CALL'], sorts: ['VOLUME', 'PERCENT_CHANGE_UP'], frequency: 0, intervalMs: 1000 },
        marketHours: { markets: ['equity', 'option'], intervalMs: 60_000 },
      },
    });
    const logger = createLogger({ level: 'silent' });
    const pool = createPool(db.url, config, logger);
    day = etDateOf(Date.now());
    const recorder = await startRecorder(config, pool, logger);
    try {
      await until(async () => await count(db, `source = 'rest' AND screener_key = 'OPTION_CALL_PERCENT_CHANGE_UP_0'`) >= 20
        && await count(db, `source = 'stream'`) > 0 && await count(db, 'true', 'market_hours') > 0, 60_000, 'two rounds of movers, a streamed screener and market hours');
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

  it("stores every index and sort as ten ranked rows with source 'rest', keyed like the streamer's screeners", async () => {
    const { rows } = await db.pool.query(`SELECT screener_key, sort_field, frequency, count(*)::int AS rows, count(DISTINCT seq)::int AS bodies,
        min(rank) AS first, max(rank) AS last, bool_and(service IS NULL AND snapshot_time IS NULL AND sent_at IS NULL) AS rest_nulls,
        bool_and(description IS NOT NULL AND last_price IS NOT NULL AND net_change IS NOT NULL AND net_percent_change IS NOT NULL
                 AND market_share IS NOT NULL AND total_volume IS NOT NULL AND volume IS NOT NULL AND trades IS NOT NULL) AS filled
      FROM screener_items WHERE source = 'rest' GROUP BY 1, 2, 3 ORDER BY 1`);
    expect(rows.map((r) => [r.screener_key, r.sort_field, r.frequency, r.rows === r.bodies * 10, r.first, r.last, r.rest_nulls, r.filled])).toEqual([
      ['$SPX_PERCENT_CHANGE_UP_0', 'PERCENT_CHANGE_UP', 0, true, 1, 10, true, true],
      ['$SPX_VOLUME_0', 'VOLUME', 0, true, 1, 10, true, true],
      ['OPTION_CALL_PERCENT_CHANGE_UP_0', 'PERCENT_CHANGE_UP', 0, true, 1, 10, true, true],
      ['OPTION_CALL_VOLUME_0', 'VOLUME', 0, true, 1, 10, true, true],
    ]);
    // netPercentChange a fraction of the previous close, as the streamer's; option symbols space-padded OCC.
    const { rows: [checks] } = await db.pool.query(`SELECT
        bool_and(abs(net_percent_change - net_change / (last_price - net_change)) < 1e-4) FILTER (WHERE last_price <> net_change) AS fraction,
        bool_and(symbol ~ '^[A-Z]{1,6} *[0-9]{6}C[0-9]{8}$') FILTER (WHERE screener_key LIKE 'OPTION_CALL%') AS occ
      FROM screener_items WHERE source = 'rest'`);
    expect(checks).toEqual({ fraction: true, occ: true });
  });

  it('reads REST and streamed lists of a key with one query', async () => {
    const { rows } = await db.pool.query(`SELECT source, service FROM screener_items WHERE screener_key = '$SPX_VOLUME_0' GROUP BY 1, 2 ORDER BY 1`);
    expect(rows).toEqual([{ source: 'rest', service: null }, { source: 'stream', service: 'SCREENER_EQUITY' }]);
  });

  it("stores today's equity and option products with their sessions", async () => {
    const { rows } = await db.pool.query(`SELECT market, product, product_name, date::text AS date, is_open,
        to_char(pre_market_start AT TIME ZONE 'America/New_York', 'HH24:MI') AS pre_start, to_char(regular_market_start AT TIME ZONE 'America/New_York', 'HH24:MI') AS open,
        to_char(regular_market_end AT TIME ZONE 'America/New_York', 'HH24:MI') AS close, to_char(post_market_end AT TIME ZONE 'America/New_York', 'HH24:MI') AS post_end
      FROM market_hours ORDER BY market, product`);
    if (!isTradingDay(day)) {
      expect(rows).toEqual(['equity', 'option'].map((m) => ({ market: m, product: m, product_name: null, date: day, is_open: false, pre_start: null, open: null, close: null, post_end: null })));
      return;
    }
    const close = isEarlyClose(day) ? '13:00' : '16:00';
    expect(rows).toEqual([
      { market: 'equity', product: 'EQ', product_name: 'equity', date: day, is_open: true, pre_start: '07:00', open: '09:30', close, post_end: isEarlyClose(day) ? '17:00' : '20:00' },
      { market: 'option', product: 'EQO', product_name: 'equity option', date: day, is_open: true, pre_start: null, open: '09:30', close, post_end: null },
      { market: 'option', product: 'IND', product_name: 'index option', date: day, is_open: true, pre_start: null, open: '09:30', close: close.replace(':00', ':15'), post_end: null },
    ]);
  });

  it('replays its recording into the same rows', async () => {
    await replayInto(reference.pool, recording);
    const [live, replayed] = [await contents(db.pool), await contents(reference.pool)];
    expect(replayed.market_hours).toEqual(live.market_hours);
    expect(replayed.screener_items).toEqual(live.screener_items);
  });
});
