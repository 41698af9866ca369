// Issue 13 item 7 for the books and screeners: a recording made before the recorder knew NYSE_BOOK, NASDAQ_BOOK,
// OPTIONS_BOOK, SCREENER_EQUITY and SCREENER_OPTION holds their frames (it journals every frame; only decoding
// ignored them). Replayed now, it fills book_snapshots and screener_items with exactly the captured values, and a
// second replay adds nothing.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contents, replayInto } from '../support/contents.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { sampleLine } from '../support/samples.js';

const T0 = Date.parse('2025-12-09T19:10:00Z');

/** Line `line` (1-based) of a capture file of test/fixtures/captures. */
function capture(file: string, line: number): { data: { service: string; timestamp: number; content: Record<string, unknown>[] }[] } {
  return JSON.parse(readFileSync(new URL(`../fixtures/captures/${file}`, import.meta.url), 'utf8').split('\n')[line - 1]!);
}

// Real frames in the order a session would have journaled them, and two made of real items: an option book under
// a six-character root (padded with spaces) and one block holding two screeners.
const FRAMES: unknown[] = [
  sampleLine('stream-levelone-equities.jsonl', 4),
  capture('nyse-book.jsonl', 1),
  capture('nasdaq-book.jsonl', 1),
  capture('nasdaq-book.jsonl', 2),
  capture('options-book.jsonl', 1),
  capture('screener-equity.jsonl', 1),
  capture('screener-option.jsonl', 1),
  { data: [{ service: 'OPTIONS_BOOK', timestamp: T0 + 8, command: 'SUBS', content: [{ ...capture('options-book.jsonl', 1).data[0]!.content[0], key: 'SPY   251219C00600000' }] }] },
  { data: [{ service: 'SCREENER_EQUITY', timestamp: T0 + 9, command: 'SUBS', content: [
    capture('screener-equity.jsonl', 2).data[0]!.content[0], { ...capture('screener-equity.jsonl', 1).data[0]!.content[0], key: '$SPX_VOLUME_0', 3: 0 },
  ] }] },
];

describe('a recording made before books and screeners were decoded', () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'books-screeners-replay-'));
    const meta = { type: 'meta', format: 'schwab-recorder/1', recording: 'pre-books', segment: 1, startedAt: new Date(T0).toISOString(), firstSeq: 1 };
    const lines = FRAMES.map((frame, i) => ({ seq: i + 1, ts: T0 + i + 1, type: 'ws', frame }));
    await writeFile(path.join(dir, '000001.ndjson'), `${[meta, ...lines].map((l) => JSON.stringify(l)).join('\n')}\n`);
  });
  afterAll(async () => {
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('fills book_snapshots and screener_items when replayed now, and a second replay adds nothing', async () => {
    const totals = await replayInto(db.pool, dir);
    expect(totals).toMatchObject({ rejected: 0, written: { equity_quotes: 2, book_snapshots: 6, screener_items: 40 } });
    const at = (seq: number) => new Date(T0 + seq);

    // The whole NYSE book of F, every column as PostgreSQL holds it.
    const { rows: [f] } = await db.pool.query(`SELECT * FROM book_snapshots WHERE symbol = 'F'`);
    expect({ ...f, seq: Number(f.seq), bid_sizes: f.bid_sizes.map(Number), ask_sizes: f.ask_sizes.map(Number) }).toEqual({
      received_at: at(2), service: 'NYSE_BOOK', symbol: 'F', book_time: new Date(1765306322349),
      bid_prices: [13.12, 13.11, 13.1, 12.86, 12.46], bid_sizes: [31600, 900, 800, 100, 100], bid_venue_counts: [9, 2, 2, 1, 1],
      bid_venues: [
        [['NYSE', 8800, 49786299], ['IEXG', 7900, 49904606], ['ARCX', 4200, 49904606], ['NSDQ', 3600, 49904602], ['MWSE', 3200, 49904653],
          ['BATX', 2000, 49786299], ['MEMX', 1000, 49904603], ['EDGX', 800, 49904606], ['G', 100, 49904603]],
        [['MIAX', 800, 49902308], ['EDGA', 100, 49902308]], [['BATY', 500, 49902311], ['CINN', 300, 49902308]],
        [['AMEX', 100, 49904647]], [['BOSX', 100, 49533394]],
      ].map((level) => level.map(([venue, size, time]) => ({ venue, size, time_et_ms: time }))),
      ask_prices: [13.13, 13.26], ask_sizes: [76300, 27600], ask_venue_counts: [14, 1],
      ask_venues: [
        [['NYSE', 34100, 49786298], ['IEXG', 13400, 49786299], ['NSDQ', 8000, 49786299], ['ARCX', 7600, 49786298], ['BATX', 3600, 49786298],
          ['EDGX', 2800, 49786298], ['MIAX', 2400, 49788199], ['MEMX', 2200, 49786299], ['BATY', 800, 49902308], ['CINN', 800, 49902308],
          ['AMEX', 200, 49798053], ['MWSE', 200, 49902308], ['G', 100, 49786299], ['EDGA', 100, 49788235]],
        [['PHLX', 27600, 49904602]],
      ].map((level) => level.map(([venue, size, time]) => ({ venue, size, time_et_ms: time }))),
      seq: 2, sent_at: new Date(1765306323315),
    });

    // Every book: the best of each side is element 1, and a venue's time read as the docs say is an instant of the book's day.
    const { rows: books } = await db.pool.query(`
      SELECT seq::int, service, symbol, received_at, sent_at, book_time, bid_prices[1] AS best_bid, bid_sizes[1]::int AS best_bid_size,
             ask_prices[1] AS best_ask, ask_venue_counts[1] AS best_ask_venues, cardinality(bid_prices) AS bid_levels,
             cardinality(ask_prices) AS ask_levels,
             (date_trunc('day', book_time AT TIME ZONE 'America/New_York')
               + (bid_venues->0->0->>'time_et_ms')::bigint * interval '1 ms') AT TIME ZONE 'America/New_York' AS first_bid_venue_time
        FROM book_snapshots ORDER BY seq, symbol`);
    const book = (seq: number, service: string, symbol: string, sentAt: number, bookTime: number, bid: [number, number, number], ask: [number, number, number], venueTime: string) => ({
      seq, service, symbol, received_at: at(seq), sent_at: new Date(sentAt), book_time: new Date(bookTime),
      best_bid: bid[0], best_bid_size: bid[1], bid_levels: bid[2], best_ask: ask[0], best_ask_venues: ask[1], ask_levels: ask[2],
      first_bid_venue_time: new Date(venueTime),
    });
    expect(books).toEqual([
      book(2, 'NYSE_BOOK', 'F', 1765306323315, 1765306322349, [13.12, 31600, 5], [13.13, 14, 2], '2025-12-09T18:49:46.299Z'),
      book(3, 'NASDAQ_BOOK', 'AMD', 1765306382737, 1765306382549, [221.38, 640, 11], [221.44, 2, 14], '2025-12-09T18:53:00.045Z'),
      book(4, 'NASDAQ_BOOK', 'GOOG', 1590532470149, 1590532323728, [1418, 1, 4], [1421, 2, 2], '2020-05-26T19:05:35.011Z'),
      book(4, 'NASDAQ_BOOK', 'MSFT', 1590532470149, 1590532442608, [181.77, 100, 3], [181.95, 1, 4], '2020-05-26T21:32:30.257Z'),
      book(5, 'OPTIONS_BOOK', 'GOOGL 251212C00315000', 1765307114646, 1765307114236, [5.45, 146, 1], [5.55, 16, 1], '2025-12-09T19:05:14.236Z'),
      book(8, 'OPTIONS_BOOK', 'SPY   251219C00600000', T0 + 8, 1765307114236, [5.45, 146, 1], [5.55, 16, 1], '2025-12-09T19:05:14.236Z'),
    ]);

    const { rows: screeners } = await db.pool.query(`
      SELECT seq::int, service, screener_key, sort_field, frequency, snapshot_time, sent_at, source, count(*)::int AS entries,
             array_agg(rank ORDER BY rank) = array(SELECT generate_series(1, 10)) AS ranked
        FROM screener_items GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 ORDER BY 1, 3`);
    const list = (seq: number, service: string, key: string, sort: string, frequency: number, snapshot: number, sentAt: number) => ({
      seq, service, screener_key: key, sort_field: sort, frequency, snapshot_time: new Date(snapshot), sent_at: new Date(sentAt),
      source: 'stream', entries: 10, ranked: true,
    });
    expect(screeners).toEqual([
      list(6, 'SCREENER_EQUITY', 'NASDAQ_VOLUME_30', 'VOLUME', 30, 1765307297706, 1765307304646),
      list(7, 'SCREENER_OPTION', 'OPTION_CALL_TRADES_30', 'TRADES', 30, 1765307359566, 1765307361611),
      list(9, 'SCREENER_EQUITY', '$SPX_VOLUME_0', 'VOLUME', 0, 1765307297706, T0 + 9),
      list(9, 'SCREENER_EQUITY', 'NYSE_VOLUME_5', 'VOLUME', 5, 1718996308700, T0 + 9),
    ]);
    // The top entry of each list, every entry column.
    const { rows: tops } = await db.pool.query(`
      SELECT screener_key, received_at, symbol, description, last_price, net_change, net_percent_change, market_share,
             total_volume::bigint::float8 AS total_volume, volume::int, trades::int
        FROM screener_items WHERE rank = 1 ORDER BY seq, screener_key`);
    expect(tops).toEqual([
      { screener_key: 'NASDAQ_VOLUME_30', received_at: at(6), symbol: 'WBD', description: 'WARNER BROS DISCOVER Series A', last_price: 28.095,
        net_change: 0.865, net_percent_change: 0.03176643, market_share: 3.93926404, total_volume: 345149877, volume: 13596365, trades: 21302 },
      { screener_key: 'OPTION_CALL_TRADES_30', received_at: at(7), symbol: 'SPXW  251209C06855000', description: 'SPXW   Dec 9 2025 6855.0 Call',
        last_price: 2.75, net_change: -8.891, net_percent_change: -0.763766, market_share: 3.47850842, total_volume: 1761266, volume: 21020, trades: 7820 },
      { screener_key: '$SPX_VOLUME_0', received_at: at(9), symbol: 'WBD', description: 'WARNER BROS DISCOVER Series A', last_price: 28.095,
        net_change: 0.865, net_percent_change: 0.03176643, market_share: 3.93926404, total_volume: 345149877, volume: 13596365, trades: 21302 },
      { screener_key: 'NYSE_VOLUME_5', received_at: at(9), symbol: 'XLF', description: 'SELECT STR FINANCIAL SELECT SPDR ETF', last_price: 41.305,
        net_change: 41.305, net_percent_change: 1, market_share: 3.40228332, total_volume: 51730877, volume: 1760031, trades: 644 },
    ]);

    const before = await contents(db.pool);
    expect(before.book_snapshots).toHaveLength(6);
    expect(before.screener_items).toHaveLength(40);
    const again = await replayInto(db.pool, dir);
    expect(again).toMatchObject({ written: {}, rejected: 0 });
    expect(await contents(db.pool)).toEqual(before);
  });
});
