import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE_WINDOW_MS, backfillPrices, gapWindows, planBackfill, type BackfillProgress } from '../../src/recorder/backfill.js';
import { readRecording } from '../../src/recording/reader.js';
import type { PriceHistory } from '../../src/schwab/schemas/price-history.js';
import { memorySink } from '../support/capture.js';
import { runCli } from '../support/cli.js';
import { replayInto } from '../support/contents.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { simulatedSchwab, type SimulatedSchwab } from '../support/simulated-schwab.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
const ET = 'America/New_York';
const at = (iso: string) => DateTime.fromISO(iso, { zone: ET }).toMillis();

describe('gapWindows', () => {
  it('rounds the gap out to whole minutes', () => {
    expect(gapWindows({ from: at('2026-11-24T10:00:30.500'), to: at('2026-11-24T10:05:10') }, 480))
      .toEqual([{ from: at('2026-11-24T10:00'), to: at('2026-11-24T10:06') }]);
    expect(gapWindows({ from: at('2026-11-24T10:00'), to: at('2026-11-24T10:05') }, 480))
      .toEqual([{ from: at('2026-11-24T10:00'), to: at('2026-11-24T10:05') }]);
  });

  it('covers the minute of a gap shorter than a minute', () => {
    expect(gapWindows({ from: at('2026-11-24T10:00:10'), to: at('2026-11-24T10:00:20') }, 480))
      .toEqual([{ from: at('2026-11-24T10:00'), to: at('2026-11-24T10:01') }]);
  });

  it('keeps at most the last maxGapMinutes, next to where the stream resumed', () => {
    const windows = gapWindows({ from: at('2026-11-23T15:00:05'), to: at('2026-11-24T10:00:01') }, 480);
    expect(windows).toEqual([{ from: at('2026-11-24T02:01'), to: at('2026-11-24T10:01') }]);
    expect((windows[0]!.to - windows[0]!.from) / MINUTE).toBe(480);
  });

  it('has nothing to fetch for no gap or a backwards one', () => {
    expect(gapWindows({ from: at('2026-11-24T10:00'), to: at('2026-11-24T10:00') }, 480)).toEqual([]);
    expect(gapWindows({ from: at('2026-11-24T10:05'), to: at('2026-11-24T10:00') }, 480)).toEqual([]);
    expect(gapWindows({ from: Number.NaN, to: at('2026-11-24T10:00') }, 480)).toEqual([]);
    expect(gapWindows({ from: at('2026-11-24T09:00'), to: at('2026-11-24T10:00') }, 0)).toEqual([]);
  });

  it('splits a gap longer than Schwab serves per request into consecutive windows of at most 10 days', () => {
    const from = at('2026-10-01T09:30');
    const to = at('2026-10-26T09:30');
    const windows = gapWindows({ from, to }, 60 * 24 * 60);
    expect(windows).toHaveLength(3);
    expect(windows[0]!.from).toBe(from);
    expect(windows.at(-1)!.to).toBe(to);
    windows.forEach((w, i) => {
      expect(w.to - w.from).toBeLessThanOrEqual(MINUTE_WINDOW_MS);
      if (i > 0) expect(w.from).toBe(windows[i - 1]!.to);
    });
  });
});

describe('planBackfill', () => {
  const from = new Date(at('2026-09-01T00:00'));
  const to = new Date(at('2026-10-01T23:59:59.999'));

  it('asks for minute candles with extended hours in consecutive windows of at most 10 days, per symbol', () => {
    const plan = planBackfill({ symbols: ['AAPL', 'MSFT'], frequency: 'minute', from, to });
    expect(plan).toHaveLength(8);
    expect(plan.map((r) => r.symbol)).toEqual(['AAPL', 'AAPL', 'AAPL', 'AAPL', 'MSFT', 'MSFT', 'MSFT', 'MSFT']);
    const aapl = plan.slice(0, 4);
    expect(aapl[0]!.window.from).toBe(from.getTime());
    expect(aapl.at(-1)!.window.to).toBe(to.getTime());
    aapl.forEach((r, i) => {
      expect(r.window.to - r.window.from).toBeLessThanOrEqual(10 * DAY);
      if (i > 0) expect(r.window.from).toBe(aapl[i - 1]!.window.to);
      expect(r.query).toEqual({
        symbol: 'AAPL', periodType: 'day', frequencyType: 'minute', frequency: 1,
        startDate: r.window.from, endDate: r.window.to, needExtendedHoursData: true, needPreviousClose: true,
      });
    });
  });

  it('asks for daily and weekly candles in one periodType=year request per symbol', () => {
    for (const frequency of ['daily', 'weekly'] as const) {
      const plan = planBackfill({ symbols: ['AAPL', 'MSFT'], frequency, from, to });
      expect(plan.map((r) => r.query)).toEqual(['AAPL', 'MSFT'].map((symbol) => ({
        symbol, periodType: 'year', frequencyType: frequency, frequency: 1,
        startDate: from.getTime(), endDate: to.getTime(), needPreviousClose: true,
      })));
    }
  });

  it('plans nothing for an empty span', () => {
    expect(planBackfill({ symbols: ['AAPL'], frequency: 'minute', from: to, to: from })).toEqual([]);
  });
});

describe('backfillPrices against the simulator', () => {
  let schwab: SimulatedSchwab;
  const sink = memorySink();
  beforeAll(async () => {
    schwab = await simulatedSchwab({}, sink);
  });
  afterAll(async () => {
    await schwab?.close();
  });

  it('records every answer through the client\'s capture, reports progress and journals its start and end', async () => {
    sink.rests.length = 0;
    sink.events.length = 0;
    const progress: BackfillProgress[] = [];
    const from = new Date(at('2026-10-05T00:00'));
    const to = new Date(at('2026-10-26T23:59:59.999'));
    const result = await backfillPrices({
      api: schwab.api, capture: sink, symbols: ['AAPL', 'NOSUCH'], frequency: 'minute', from, to,
      onProgress: (p) => progress.push(p),
    });
    expect(result).toMatchObject({ requests: 6, answered: 6, failures: [], aborted: false });
    expect(progress.map((p) => `${p.done}/${p.total}`)).toEqual(['1/6', '2/6', '3/6', '4/6', '5/6', '6/6']);
    expect(sink.rests).toHaveLength(6);
    expect(sink.rests.every((r) => r.status === 200 && r.path.startsWith('/marketdata/v1/pricehistory?symbol='))).toBe(true);
    const bodies = sink.rests.map((r) => r.body as PriceHistory);
    expect(result.candles).toBe(bodies.reduce((n, b) => n + b.candles.length, 0));
    expect(bodies.slice(3).every((b) => b.empty === true && b.candles.length === 0)).toBe(true); // an unknown symbol
    expect(bodies.slice(0, 3).every((b) => b.candles.length > 0 && b.previousClose !== undefined)).toBe(true);
    expect(sink.events.map((e) => e.event)).toEqual(['backfill_started', 'backfill_finished']);
    expect(sink.events[0]!.detail).toMatchObject({ frequency: 'minute', symbols: ['AAPL', 'NOSUCH'], requests: 6 });
  });

  it('lists a request that keeps failing and goes on with the others', async () => {
    sink.rests.length = 0;
    schwab.sim.faults.restFailures(500, 4); // the first request and its 3 retries
    const result = await backfillPrices({
      api: schwab.api, symbols: ['AAPL', 'MSFT'], frequency: 'daily',
      from: new Date(at('2026-01-01T00:00')), to: new Date(at('2026-03-31T23:59:59.999')),
    });
    expect(result).toMatchObject({ requests: 2, answered: 1 });
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]).toMatchObject({ symbol: 'AAPL' });
    expect(result.failures[0]!.message).toContain('HTTP 500');
    expect(sink.rests).toHaveLength(1);
    expect(sink.rests[0]!.path).toContain('symbol=MSFT');
  });

  it('stops before the next request once aborted', async () => {
    const controller = new AbortController();
    const result = await backfillPrices({
      api: schwab.api, symbols: ['AAPL', 'MSFT', 'NVDA'], frequency: 'daily', signal: controller.signal,
      from: new Date(at('2026-01-01T00:00')), to: new Date(at('2026-03-31T23:59:59.999')),
      onProgress: () => controller.abort(),
    });
    expect(result).toMatchObject({ requests: 3, answered: 1, aborted: true });
  });
});

describe('schwab-recorder backfill prices (simulator, real PostgreSQL)', () => {
  let db: TestDatabase;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let reference: SimulatedSchwab;
  const today = DateTime.now().setZone(ET).startOf('day');
  const day = (offset: number) => today.plus({ days: offset }).toISODate() ?? '';
  const SYMBOLS = ['AAPL', 'MSFT'];

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'backfill-cli-'));
    env = {
      DATABASE_URL: db.url, SCHWAB_RECORDER_RECORDINGS_DIR: path.join(dir, 'recordings'), SCHWAB_RECORDER_LOG_LEVEL: 'warn',
      SCHWAB_APP_KEY: '', SCHWAB_APP_SECRET: '', SCHWAB_RECORDER_CONFIG: '',
    };
    // The CLI's simulator has the default seed (config simulator.seed = 1): the same prices as this one.
    reference = await simulatedSchwab({ seed: 1 });
  });
  afterAll(async () => {
    await reference?.close();
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** What the reference simulator serves over [fromDay, toDay] in ET, fetched day by day: symbol|datetime → close. */
  async function served(frequency: 'minute' | 'daily', fromDay: string, toDay: string): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const symbol of SYMBOLS) {
      for (let d = DateTime.fromISO(fromDay, { zone: ET }); d.toISODate()! <= toDay; d = d.plus({ days: 1 })) {
        const body = await reference.api.priceHistory({
          symbol, periodType: frequency === 'minute' ? 'day' : 'year', frequencyType: frequency, frequency: 1,
          startDate: d.toMillis(), endDate: d.plus({ days: 1 }).toMillis() - 1, needExtendedHoursData: true,
        });
        for (const c of body.candles) out.set(`${symbol}|${c.datetime}`, c.close);
      }
    }
    return out;
  }

  async function stored(frequencyType: string): Promise<Map<string, number>> {
    const { rows } = await db.pool.query<{ symbol: string; datetime_ms: string; close_price: string }>(
      'SELECT symbol, datetime_ms, close_price FROM price_data WHERE frequency_type = $1', [frequencyType]);
    return new Map(rows.map((r) => [`${r.symbol}|${r.datetime_ms}`, Number(r.close_price)]));
  }

  async function recordedCandles(): Promise<{ recordings: string[]; candles: Map<string, number> }> {
    const root = path.join(dir, 'recordings');
    const recordings = (await readdir(root)).sort();
    const candles = new Map<string, number>();
    for (const name of recordings) {
      for await (const line of readRecording(path.join(root, name))) {
        if (line.type !== 'rest' || !line.path.includes('/pricehistory?')) continue;
        const body = line.body as PriceHistory;
        const type = new URLSearchParams(line.path.split('?')[1]).get('frequencyType');
        for (const c of body.candles) candles.set(`${type}|${body.symbol}|${c.datetime}`, c.close);
      }
    }
    return { recordings, candles };
  }

  const run = (frequency: string, from: string, to: string) =>
    runCli(['backfill', 'prices', '--symbols', 'aapl, MSFT', '--frequency', frequency, '--from', from, '--to', to], env);

  it('backfills a year of daily candles: one row per trading day the simulator serves, previous close on each', async () => {
    const from = day(-375);
    const to = day(-10);
    const result = await run('daily', from, to);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('SIMULATED FEED');
    expect(result.stdout).toMatch(/: 2 of 2 requests answered \(0 failed\)/);

    const expected = await served('daily', from, to);
    // A year of trading days per symbol, and only trading days: every candle sits on a weekday at 00:00 US/Central.
    expect(expected.size / SYMBOLS.length).toBeGreaterThan(240);
    expect(expected.size / SYMBOLS.length).toBeLessThan(260);
    for (const key of expected.keys()) {
      const stamp = DateTime.fromMillis(Number(key.split('|')[1]), { zone: 'America/Chicago' });
      expect(stamp.toFormat('HH:mm')).toBe('00:00');
      expect(stamp.weekday).toBeLessThanOrEqual(5);
    }
    expect(await stored('daily')).toEqual(expected);
    expect(result.stdout).toMatch(new RegExp(`^price_data\\s+${expected.size}$`, 'm'));
    expect(result.stdout).toMatch(/^\(rejected\)\s+0$/m);

    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM price_data
      WHERE frequency_type = 'daily' AND (data_source <> 'schwab_api' OR previous_close IS NULL OR previous_close_date_ms IS NULL
        OR is_empty OR datetime_utc <> to_timestamp(datetime_ms / 1000.0))`);
    expect(rows[0].n).toBe(0);
    // The recording holds the bodies the rows came from: a backfill can be replayed.
    const recorded = await recordedCandles();
    expect(recorded.recordings).toHaveLength(1);
    expect(recorded.candles.size).toBe(expected.size);
  });

  it('adds nothing when the same backfill runs again (into a new recording)', async () => {
    const before = await db.pool.query('SELECT count(*)::int AS n FROM price_data');
    const result = await run('daily', day(-375), day(-10));
    expect(result.code, result.stderr).toBe(0);
    const after = await db.pool.query('SELECT count(*)::int AS n FROM price_data');
    expect(after.rows[0].n).toBe(before.rows[0].n);
    const duplicates = await db.pool.query(`SELECT count(*)::int AS n FROM (SELECT 1 FROM price_data
      GROUP BY symbol, datetime_ms, frequency_type HAVING count(*) > 1) d`);
    expect(duplicates.rows[0].n).toBe(0);
    expect((await recordedCandles()).recordings).toHaveLength(2);
  });

  it('backfills a month of minute candles with extended hours: every minute the simulator serves, in 10-day requests', async () => {
    const from = day(-40);
    const to = day(-10);
    const result = await run('minute', from, to);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/: 8 of 8 requests answered \(0 failed\)/);

    const expected = await served('minute', from, to); // 31 one-day requests per symbol: windowed differently
    // 04:00–19:59 ET on trading days, minus the minutes without trades.
    const minutes = [...expected.keys()].map((k) => DateTime.fromMillis(Number(k.split('|')[1]), { zone: ET }));
    expect(minutes.every((m) => m.hour >= 4 && m.hour < 20 && m.weekday <= 5 && m.second === 0)).toBe(true);
    const days = new Set(minutes.map((m) => m.toISODate()));
    expect(days.size).toBeGreaterThanOrEqual(19);
    expect(expected.size / SYMBOLS.length / days.size).toBeGreaterThan(500);
    expect(expected.size / SYMBOLS.length / days.size).toBeLessThan(960);

    expect(await stored('minute')).toEqual(expected);
    expect(result.stdout).toMatch(new RegExp(`^price_data\\s+${expected.size}$`, 'm'));
    expect(result.stdout).toMatch(/^\(rejected\)\s+0$/m);
  });

  it('replays from its recordings to the same rows in a fresh database', async () => {
    const fresh = await createTestDatabase();
    try {
      const root = path.join(dir, 'recordings');
      for (const name of (await readdir(root)).sort()) await replayInto(fresh.pool, path.join(root, name));
      const query = `SELECT symbol, datetime_ms, frequency_type, open_price, high_price, low_price, close_price, volume,
        previous_close, previous_close_date_ms, data_source FROM price_data ORDER BY symbol, frequency_type, datetime_ms`;
      const replayed = (await fresh.pool.query(query)).rows;
      expect(replayed.length).toBeGreaterThan(0);
      expect(replayed).toEqual((await db.pool.query(query)).rows);
    } finally {
      await fresh.drop();
    }
  });

  it('rejects bad arguments as usage errors', async () => {
    const frequency = await runCli(['backfill', 'prices', '--symbols', 'AAPL', '--frequency', 'hourly', '--from', '2026-01-01', '--to', '2026-01-02'], env);
    expect(frequency.code).toBe(2);
    expect(frequency.stderr).toContain('expected one of minute, daily, weekly');
    const date = await runCli(['backfill', 'prices', '--symbols', 'AAPL', '--frequency', 'daily', '--from', '2026-13-01', '--to', '2026-01-02'], env);
    expect(date.code).toBe(2);
    expect(date.stderr).toContain('expected a date as YYYY-MM-DD');
    const order = await runCli(['backfill', 'prices', '--symbols', 'AAPL', '--frequency', 'daily', '--from', '2026-02-01', '--to', '2026-01-02'], env);
    expect(order.code).toBe(2);
    expect(order.stderr).toContain('--from must not be after --to');
  });
});
