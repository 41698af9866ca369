// Issue 13 item 7 for futures, futures options, forex and futures charts: a recording made before the recorder knew
// these services holds their frames (it journals every frame; only decoding ignored them). Replayed now, it fills
// futures_quotes, futures_option_quotes, forex_quotes and price_data, and a second replay adds nothing.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureFrame, captureItem } from '../support/captures.js';
import { contents, replayInto } from '../support/contents.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { sampleLine } from '../support/samples.js';

const T0 = Date.parse('2025-12-09T19:07:00Z');
const RECORDING = 'pre-futures-recording';

const block = (service: string, timestamp: number, content: unknown[]) => ({ data: [{ service, timestamp, command: 'SUBS', content }] });
/** A delta as Schwab sends one after a snapshot: a real item without its metadata (no real delta is published). */
const deltaOf = ({ delayed: _d, assetMainType: _t, ...rest }: Record<string, unknown>) => rest;

// The frames, in the order a session would have journaled them: real captures, plus deltas made from real items
// and the dated keys (/ESZ25, ./OZCZ23C565) Schwab takes besides the captured ones.
const FRAMES: unknown[] = [
  sampleLine('stream-levelone-equities.jsonl', 4),
  captureFrame('levelone-futures.jsonl', 1),
  block('LEVELONE_FUTURES', T0 + 3, [deltaOf(captureItem('levelone-futures.jsonl', 2, '/ES'))]),
  captureFrame('levelone-futures-options.jsonl', 1),
  captureFrame('levelone-forex.jsonl', 1),
  block('LEVELONE_FOREX', T0 + 6, [deltaOf(captureItem('levelone-forex.jsonl', 2, 'EUR/USD'))]),
  captureFrame('chart-futures.jsonl', 1),
  captureFrame('chart-futures.jsonl', 2),
  block('LEVELONE_FUTURES', T0 + 9, [{ ...captureItem('levelone-futures.jsonl', 2, '/ES'), key: '/ESZ25' }]),
  block('LEVELONE_FUTURES_OPTIONS', T0 + 10, [{ ...captureItem('levelone-futures-options.jsonl', 2, './OGG26C4240'), key: './OZCZ23C565' }]),
  block('CHART_FUTURES', T0 + 11, [{ ...(captureItem('chart-futures.jsonl', 1, '/ES')), key: '/ESZ25' }]),
];

describe('a recording made before futures and forex were decoded', () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'futures-forex-replay-'));
    const meta = { type: 'meta', format: 'schwab-recorder/1', recording: RECORDING, segment: 1, startedAt: new Date(T0).toISOString(), firstSeq: 1 };
    const lines = FRAMES.map((frame, i) => ({ seq: i + 1, ts: T0 + i + 1, type: 'ws', frame }));
    await writeFile(path.join(dir, '000001.ndjson'), `${[meta, ...lines].map((l) => JSON.stringify(l)).join('\n')}\n`);
  });
  afterAll(async () => {
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('fills the new tables when replayed now, and a second replay adds nothing', async () => {
    const totals = await replayInto(db.pool, dir);
    expect(totals).toMatchObject({
      rejected: 0,
      written: { equity_quotes: 2, futures_quotes: 4, futures_option_quotes: 3, forex_quotes: 3, price_data: 4 },
    });
    const at = (seq: number) => new Date(T0 + seq);

    const { rows: futures } = await db.pool.query(`
      SELECT seq::int, symbol, received_at, sent_at, bid_price, ask_price, last_price, bid_id, exchange_id, mark,
             future_active_symbol, delayed, asset_main_type FROM futures_quotes ORDER BY seq, symbol`);
    expect(futures).toEqual([
      { seq: 2, symbol: '/CL', received_at: at(2), sent_at: new Date(1719002950099), bid_price: 80.61, ask_price: 80.62, last_price: 80.6,
        bid_id: '?', exchange_id: '@', mark: 80.61, future_active_symbol: '/CLQ24', delayed: false, asset_main_type: 'FUTURE' },
      { seq: 2, symbol: '/ES', received_at: at(2), sent_at: new Date(1719002950099), bid_price: 5536.5, ask_price: 5537, last_price: 5536.75,
        bid_id: '?', exchange_id: '@', mark: 5536.75, future_active_symbol: '/ESU24', delayed: false, asset_main_type: 'FUTURE' },
      // the delta merged into the /ES snapshot: the send time of its own block
      { seq: 3, symbol: '/ES', received_at: at(3), sent_at: new Date(T0 + 3), bid_price: 6879.25, ask_price: 6879.75, last_price: 6879.5,
        bid_id: '?', exchange_id: '@', mark: 5536.75, future_active_symbol: '/ESU24', delayed: false, asset_main_type: 'FUTURE' },
      { seq: 9, symbol: '/ESZ25', received_at: at(9), sent_at: new Date(T0 + 9), bid_price: 6879.25, ask_price: 6879.75, last_price: 6879.5,
        bid_id: '?', exchange_id: null, mark: null, future_active_symbol: null, delayed: false, asset_main_type: 'FUTURE' },
    ]);

    const { rows: options } = await db.pool.query(`
      SELECT seq::int, symbol, bid_price, bid_id, underlying_symbol, strike_price, future_expiration_date, asset_main_type
        FROM futures_option_quotes ORDER BY seq, symbol`);
    expect(options).toEqual([
      { seq: 4, symbol: './E3DM24P5490', bid_price: 9.6, bid_id: '63', underlying_symbol: '/ESM24', strike_price: 5490,
        future_expiration_date: new Date(1718856000000), asset_main_type: 'FUTURE_OPTION' },
      { seq: 4, symbol: './Q3DM24C19960', bid_price: 54.25, bid_id: '63', underlying_symbol: '/NQM24', strike_price: 19960,
        future_expiration_date: new Date(1718856000000), asset_main_type: 'FUTURE_OPTION' },
      { seq: 10, symbol: './OZCZ23C565', bid_price: 110.5, bid_id: null, underlying_symbol: null, strike_price: null,
        future_expiration_date: null, asset_main_type: 'FUTURE_OPTION' },
    ]);

    const { rows: forex } = await db.pool.query(`
      SELECT seq::int, symbol, bid_price, bid_size::int, total_volume::int, quote_time, description, percent_change
        FROM forex_quotes ORDER BY seq, symbol`);
    expect(forex).toEqual([
      { seq: 5, symbol: 'EUR/GBP', bid_price: 0.84437, bid_size: 1000000, total_volume: 310000, quote_time: new Date(1718811579076),
        description: 'Euro/GBPound Spot', percent_change: 0 },
      { seq: 5, symbol: 'EUR/USD', bid_price: 1.07435, bid_size: 3000000, total_volume: 14730000, quote_time: new Date(1718811581092),
        description: 'Euro/USDollar Spot', percent_change: 0 },
      { seq: 6, symbol: 'EUR/USD', bid_price: 1.1643, bid_size: 100000, total_volume: 0, quote_time: new Date(1764971942013),
        description: 'Euro/USDollar Spot', percent_change: 0 },
    ]);

    const { rows: bars } = await db.pool.query(`
      SELECT symbol, datetime_ms::bigint::text AS ms, datetime_utc, open_price::float8, high_price::float8, low_price::float8,
             close_price::float8, volume::int, data_source, frequency_type, sent_at
        FROM price_data ORDER BY symbol, datetime_ms`);
    const bar = (symbol: string, ms: number, ohlc: number[], volume: number, sentAt: number) => ({
      symbol, ms: String(ms), datetime_utc: new Date(ms), open_price: ohlc[0], high_price: ohlc[1], low_price: ohlc[2],
      close_price: ohlc[3], volume, data_source: 'schwab_stream', frequency_type: 'minute', sent_at: new Date(sentAt),
    });
    expect(bars).toEqual([
      bar('/CL', 1590597840000, [33.34, 33.35, 33.32, 33.35], 186, 1590597913941),
      bar('/ES', 1590597840000, [2996.25, 2997.25, 2995.25, 2997.25], 1501, 1590597913941),
      bar('/ES', 1765307160000, [6858.25, 6858.75, 6857.75, 6858.5], 897, 1765307265036),
      bar('/ESZ25', 1765307160000, [6858.25, 6858.75, 6857.75, 6858.5], 897, T0 + 11),
    ]);

    const before = await contents(db.pool);
    const again = await replayInto(db.pool, dir);
    expect(again).toMatchObject({ written: {}, rejected: 0 });
    expect(await contents(db.pool)).toEqual(before);
  });
});
