// Issue 14 item 9 for movers and market hours: a recording made before the recorder decoded /movers and /markets
// bodies holds them (every REST body is journaled; only decoding ignored them). Replayed now, it fills
// screener_items (source 'rest') and market_hours with exactly the captured values, and a second replay adds nothing.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureFrame } from '../support/captures.js';
import { contents, replayInto } from '../support/contents.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const T0 = Date.parse('2024-10-18T14:00:00Z');
const OPEN_DAY = JSON.parse(readFileSync(new URL('../fixtures/samples/rest-markets-equity-option-2024-10-18.json', import.meta.url), 'utf8')) as unknown;
const CLOSED_DAY = captureFrame('markets.jsonl', 1) as Record<string, unknown>;

// REST lines as the REST client journals them (path with its query, status, body), in a session's order.
const LINES = [
  { path: '/marketdata/v1/markets?markets=equity%2Coption&date=2024-10-18', body: OPEN_DAY },
  { path: '/marketdata/v1/movers/%24DJI?sort=VOLUME&frequency=0', body: captureFrame('movers.jsonl', 1) },
  { path: '/marketdata/v1/movers/%24DJI?sort=VOLUME&frequency=0', body: captureFrame('movers.jsonl', 2) },
  // The closed day's two products (option, equity), without the author's joined 2022 day.
  { path: '/marketdata/v1/markets?markets=option%2Cequity&date=2024-05-18', body: { option: CLOSED_DAY.option, equity: CLOSED_DAY.equity } },
  // An error answer is never decoded.
  { path: '/marketdata/v1/movers/%24SPX?sort=VOLUME&frequency=7', body: { errors: [{ status: '400', title: 'Bad Request' }] }, status: 400 },
];

describe('a recording made before movers and market hours were decoded', () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'movers-hours-replay-'));
    const meta = { type: 'meta', format: 'schwab-recorder/1', recording: 'pre-movers', segment: 1, startedAt: new Date(T0).toISOString(), firstSeq: 1 };
    const lines = LINES.map((l, i) => ({ seq: i + 1, ts: T0 + (i + 1) * 1000, type: 'rest', method: 'GET', path: l.path, status: l.status ?? 200, body: l.body }));
    await writeFile(path.join(dir, '000001.ndjson'), `${[meta, ...lines].map((l) => JSON.stringify(l)).join('\n')}\n`);
  });
  afterAll(async () => {
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('fills market_hours and screener_items when replayed now, and a second replay adds nothing', async () => {
    const totals = await replayInto(db.pool, dir);
    expect(totals).toMatchObject({ rejected: 0, written: { market_hours: 5, screener_items: 20 } });
    const at = (seq: number) => new Date(T0 + seq * 1000);

    const { rows: hours } = await db.pool.query(`SELECT market, product, product_name, date::text AS date, is_open,
        pre_market_start, pre_market_end, regular_market_start, regular_market_end, post_market_start, post_market_end,
        session_hours, received_at, seq::int AS seq FROM market_hours ORDER BY date, market, product`);
    const closed = {
      product_name: null, date: '2024-05-18', is_open: false, pre_market_start: null, pre_market_end: null, regular_market_start: null,
      regular_market_end: null, post_market_start: null, post_market_end: null, session_hours: null, received_at: at(4), seq: 4,
    };
    const regular = (end: string) => ({ regularMarket: [{ start: '2024-10-18T09:30:00-04:00', end: `2024-10-18T${end}:00-04:00` }] });
    const open = { date: '2024-10-18', is_open: true, pre_market_start: null, pre_market_end: null, regular_market_start: new Date('2024-10-18T13:30:00Z'),
      post_market_start: null, post_market_end: null, received_at: at(1), seq: 1 };
    expect(hours).toEqual([
      { market: 'equity', product: 'equity', ...closed },
      { market: 'option', product: 'option', ...closed },
      {
        ...open, market: 'equity', product: 'EQ', product_name: 'equity',
        pre_market_start: new Date('2024-10-18T11:00:00Z'), pre_market_end: new Date('2024-10-18T13:30:00Z'),
        regular_market_end: new Date('2024-10-18T20:00:00Z'),
        post_market_start: new Date('2024-10-18T20:00:00Z'), post_market_end: new Date('2024-10-19T00:00:00Z'),
        session_hours: {
          preMarket: [{ start: '2024-10-18T07:00:00-04:00', end: '2024-10-18T09:30:00-04:00' }], ...regular('16:00'),
          postMarket: [{ start: '2024-10-18T16:00:00-04:00', end: '2024-10-18T20:00:00-04:00' }],
        },
      },
      { ...open, market: 'option', product: 'EQO', product_name: 'equity option', regular_market_end: new Date('2024-10-18T20:00:00Z'), session_hours: regular('16:00') },
      { ...open, market: 'option', product: 'IND', product_name: 'index option', regular_market_end: new Date('2024-10-18T20:15:00Z'), session_hours: regular('16:15') },
    ]);

    // Every column of the first and last entry of each movers body, as PostgreSQL holds them.
    const { rows: movers } = await db.pool.query(`SELECT * FROM screener_items WHERE rank IN (1, 10) ORDER BY seq, rank`);
    const common = { source: 'rest', service: null, screener_key: '$DJI_VOLUME_0', sort_field: 'VOLUME', frequency: 0, snapshot_time: null, sent_at: null };
    expect(movers.map((r) => ({ ...r, seq: Number(r.seq), total_volume: Number(r.total_volume), volume: Number(r.volume), trades: Number(r.trades) }))).toEqual([
      { ...common, received_at: at(2), seq: 2, rank: 1, symbol: 'INTC', description: 'INTEL CORP', last_price: 31.83, net_change: 31.83,
        net_percent_change: 1, market_share: 13.47, total_volume: 307750168, volume: 41449777, trades: 179640 },
      { ...common, received_at: at(2), seq: 2, rank: 10, symbol: 'JPM', description: 'JPMORGAN CHASE & CO', last_price: 204.79, net_change: 204.79,
        net_percent_change: 1, market_share: 3.01, total_volume: 307750168, volume: 9260490, trades: 122710 },
      { ...common, received_at: at(3), seq: 3, rank: 1, symbol: 'AAPL', description: 'APPLE INC', last_price: 235, net_change: 235,
        net_percent_change: 1, market_share: 15.28, total_volume: 303821282, volume: 46430830, trades: 562489 },
      { ...common, received_at: at(3), seq: 3, rank: 10, symbol: 'DIS', description: 'DISNEY WALT CO', last_price: 97.28, net_change: 97.28,
        net_percent_change: 1, market_share: 2.83, total_volume: 303821282, volume: 8601528, trades: 87916 },
    ]);

    const before = await contents(db.pool);
    expect(before.market_hours).toHaveLength(5);
    expect(before.screener_items).toHaveLength(20);
    const again = await replayInto(db.pool, dir);
    expect(again).toMatchObject({ written: {}, rejected: 0 });
    expect(await contents(db.pool)).toEqual(before);
  });
});
