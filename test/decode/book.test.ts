// NYSE_BOOK, NASDAQ_BOOK and OPTIONS_BOOK over real captures (test/fixtures/captures/SOURCES.md): every column of
// book_snapshots, the venue time's real unit, and what a malformed book costs.
import { readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { decodeBook, type BookService } from '../../src/decode/book.js';
import { StreamDecoder } from '../../src/decode/stream-decoder.js';
import { namedRow, TABLES, type NamedRow } from '../../src/decode/tables.js';
import { allFields } from '../../src/schwab/fields.js';
import { initialPlan } from '../../src/schwab/streamer/subscriptions.js';

/** Line `line` (1-based) of a capture file: one streamer frame. */
function frame(file: string, line: number): { data: { service: string; timestamp: number; content: Record<string, unknown>[] }[] } {
  const text = readFileSync(new URL(`../fixtures/captures/${file}`, import.meta.url), 'utf8').split('\n')[line - 1];
  if (text === undefined || text === '') throw new Error(`${file} has no line ${line}`);
  return JSON.parse(text);
}
const item = (file: string, line: number, index = 0) => frame(file, line).data[0]!.content[index]!;

const RECEIVED = Date.parse('2025-12-09T18:52:03.400Z');

function rowOf(service: BookService, raw: Record<string, unknown>): NamedRow {
  const outcome = decodeBook(service, raw, RECEIVED);
  if (!outcome.ok) throw new Error(outcome.reason);
  expect(outcome.unknownFields).toEqual([]);
  return namedRow('book_snapshots', outcome.row);
}

/** A venue as stored in bid_venues/ask_venues. */
const v = (venue: string, size: number, time_et_ms: number) => ({ venue, size, time_et_ms });

describe('decodeBook', () => {
  it('stores the whole NYSE book of F (2025-12-09): levels best first as parallel arrays, venues per level', () => {
    expect(rowOf('NYSE_BOOK', item('nyse-book.jsonl', 1))).toStrictEqual({
      received_at: RECEIVED, service: 'NYSE_BOOK', symbol: 'F', book_time: 1765306322349,
      bid_prices: [13.12, 13.11, 13.1, 12.86, 12.46],
      bid_sizes: [31600, 900, 800, 100, 100],
      bid_venue_counts: [9, 2, 2, 1, 1],
      bid_venues: [
        [v('NYSE', 8800, 49786299), v('IEXG', 7900, 49904606), v('ARCX', 4200, 49904606), v('NSDQ', 3600, 49904602),
          v('MWSE', 3200, 49904653), v('BATX', 2000, 49786299), v('MEMX', 1000, 49904603), v('EDGX', 800, 49904606),
          v('G', 100, 49904603)],
        [v('MIAX', 800, 49902308), v('EDGA', 100, 49902308)],
        [v('BATY', 500, 49902311), v('CINN', 300, 49902308)],
        [v('AMEX', 100, 49904647)],
        [v('BOSX', 100, 49533394)],
      ],
      ask_prices: [13.13, 13.26],
      ask_sizes: [76300, 27600],
      ask_venue_counts: [14, 1],
      ask_venues: [
        [v('NYSE', 34100, 49786298), v('IEXG', 13400, 49786299), v('NSDQ', 8000, 49786299), v('ARCX', 7600, 49786298),
          v('BATX', 3600, 49786298), v('EDGX', 2800, 49786298), v('MIAX', 2400, 49788199), v('MEMX', 2200, 49786299),
          v('BATY', 800, 49902308), v('CINN', 800, 49902308), v('AMEX', 200, 49798053), v('MWSE', 200, 49902308),
          v('G', 100, 49786299), v('EDGA', 100, 49788235)],
        [v('PHLX', 27600, 49904602)],
      ],
      seq: null, sent_at: null,
    });
  });

  it('stores the NASDAQ book of AMD: 11 bid and 14 ask levels, venue ids in the case Schwab sends them', () => {
    const row = rowOf('NASDAQ_BOOK', item('nasdaq-book.jsonl', 1));
    expect(row).toMatchObject({
      service: 'NASDAQ_BOOK', symbol: 'AMD', book_time: 1765306382549,
      bid_prices: [221.38, 221.31, 221.3, 221.24, 221.13, 221, 220.88, 220.5, 219.39, 219.17, 218.3],
      bid_sizes: [640, 200, 100, 100, 200, 300, 100, 300, 100, 100, 200],
      bid_venue_counts: [4, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1],
      ask_prices: [221.44, 221.49, 221.5, 221.51, 221.56, 221.61, 221.8, 221.81, 221.83, 221.86, 223.43, 223.66, 225.5, 225.87],
      ask_sizes: [250, 100, 1000, 500, 100, 200, 200, 100, 100, 100, 100, 100, 400, 100],
      ask_venue_counts: [2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
    });
    const bids = row.bid_venues as ReturnType<typeof v>[][];
    const asks = row.ask_venues as ReturnType<typeof v>[][];
    expect(bids[0]).toEqual([v('iexg', 200, 49980045), v('edgx', 200, 49980852), v('NSDQ', 140, 49978628), v('G', 100, 49980039)]);
    expect(bids[10]).toEqual([v('baty', 200, 48791798)]);
    expect(asks[0]).toEqual([v('NSDQ', 150, 49794602), v('iexg', 100, 49981361)]);
    expect(asks[13]).toEqual([v('cinn', 100, 44337496)]);
  });

  it('stores an OPTIONS_BOOK keyed by its OCC symbol as sent (GOOGL: one space), sizes in contracts', () => {
    const row = rowOf('OPTIONS_BOOK', item('options-book.jsonl', 1));
    expect(row).toStrictEqual({
      received_at: RECEIVED, service: 'OPTIONS_BOOK', symbol: 'GOOGL 251212C00315000', book_time: 1765307114236,
      bid_prices: [5.45], bid_sizes: [146], bid_venue_counts: [16],
      bid_venues: [[
        v('S', 24, 50714236), v('PACX', 21, 50714140), v('MEMX', 16, 50713823), v('MIAX', 14, 50713922), v('AMEX', 10, 50714017),
        v('BATS', 9, 50713807), v('PHLX', 9, 50714079), v('BOSX', 9, 50713802), v('EDGX', 7, 50714029), v('ISEX', 7, 50713814),
        v('XBXO', 5, 50713819), v('MERC', 5, 50713823), v('CBOE', 4, 50713922), v('NYSE', 3, 50713521), v('GMNI', 2, 50713801),
        v('NSDQ', 1, 50713806),
      ]],
      ask_prices: [5.55], ask_sizes: [2029], ask_venue_counts: [16],
      ask_venues: [[
        v('AMEX', 362, 50714236), v('CBOE', 291, 50713922), v('EDGX', 279, 50714029), v('PHLX', 232, 50714079), v('BOSX', 156, 50713802),
        v('S', 152, 50713806), v('ISEX', 112, 50713814), v('MIAX', 99, 50713922), v('MERC', 76, 50713823), v('BATS', 70, 50713807),
        v('NSDQ', 47, 50713806), v('GMNI', 39, 50713801), v('PACX', 37, 50713527), v('NYSE', 29, 50713521), v('XBXO', 26, 50713819),
        v('MEMX', 22, 50713823),
      ]],
      seq: null, sent_at: null,
    });
  });

  it.each([
    ['nyse-book.jsonl', 1, 'NYSE_BOOK'], ['nasdaq-book.jsonl', 1, 'NASDAQ_BOOK'], ['nasdaq-book.jsonl', 2, 'NASDAQ_BOOK'],
    ['options-book.jsonl', 1, 'OPTIONS_BOOK'],
  ] as const)('%s:%i: a level is the sum of its venues, bids fall and asks rise, venue times are ms since midnight ET before the book time', (file, line, service) => {
    for (const raw of frame(file, line).data[0]!.content) {
      const row = rowOf(service, raw);
      const bookTimeOfDay = DateTime.fromMillis(row.book_time as number, { zone: 'America/New_York' });
      const msOfDay = bookTimeOfDay.diff(bookTimeOfDay.startOf('day')).as('milliseconds');
      for (const side of ['bid', 'ask'] as const) {
        const venues = row[`${side}_venues`] as ReturnType<typeof v>[][];
        expect(venues.map((level) => level.reduce((sum, venue) => sum + venue.size, 0))).toEqual(row[`${side}_sizes`]);
        expect(venues.map((level) => level.length)).toEqual(row[`${side}_venue_counts`]);
        const prices = row[`${side}_prices`] as number[];
        expect(prices).toEqual([...prices].sort((a, b) => (side === 'bid' ? b - a : a - b)));
        for (const venue of venues.flat()) expect(venue.time_et_ms).toBeGreaterThanOrEqual(0);
        for (const venue of venues.flat()) expect(venue.time_et_ms).toBeLessThanOrEqual(msOfDay);
      }
    }
  });

  it('reads the venue time as ms since midnight US/Eastern: the freshest option venue quoted at the book time itself', () => {
    const row = rowOf('OPTIONS_BOOK', item('options-book.jsonl', 1));
    const bookTime = DateTime.fromMillis(row.book_time as number, { zone: 'America/New_York' });
    expect(bookTime.toFormat('yyyy-MM-dd HH:mm:ss.SSS')).toBe('2025-12-09 14:05:14.236');
    expect((row.bid_venues as ReturnType<typeof v>[][])[0]![0]!.time_et_ms).toBe(bookTime.diff(bookTime.startOf('day')).as('milliseconds'));
  });

  it('decodes every book of a block (MSFT and GOOG) with the block timestamp as sent_at', () => {
    const result = new StreamDecoder().decodeFrame(frame('nasdaq-book.jsonl', 2), RECEIVED);
    expect(result.rejects).toEqual([]);
    expect(result.unknown).toEqual([]);
    const rows = result.rows.map((r) => { expect(r.table).toBe('book_snapshots'); return namedRow('book_snapshots', r.row); });
    expect(rows.map((r) => [r.symbol, r.book_time, r.sent_at, r.bid_prices, r.ask_prices])).toEqual([
      ['MSFT', 1590532442608, 1590532470149, [181.77, 181.75, 157], [181.95, 181.98, 182.3, 186.8]],
      ['GOOG', 1590532323728, 1590532470149, [1418, 1417.26, 1417.25, 1400.88], [1421, 1421.73]],
    ]);
    expect(rows[1]).toMatchObject({
      service: 'NASDAQ_BOOK', bid_sizes: [1, 100, 100, 100], bid_venue_counts: [1, 1, 1, 1], ask_sizes: [300, 10], ask_venue_counts: [2, 1],
      bid_venues: [[v('NSDQ', 1, 54335011)], [v('batx', 100, 62782324)], [v('arcx', 100, 62767878)], [v('edgx', 100, 54000952)]],
      ask_venues: [[v('edgx', 200, 56723908), v('arcx', 100, 62709059)], [v('NSDQ', 10, 62737731)]],
    });
  });

  it('routes each of the three services to book_snapshots under its own name', () => {
    const decoder = new StreamDecoder();
    for (const service of ['NYSE_BOOK', 'NASDAQ_BOOK', 'OPTIONS_BOOK']) {
      const result = decoder.decodeFrame({ data: [{ ...frame('nyse-book.jsonl', 1).data[0], service }] }, RECEIVED);
      expect(result.rows.map((r) => [r.table, namedRow(r.table, r.row).service, namedRow(r.table, r.row).sent_at]))
        .toEqual([['book_snapshots', service, 1765306323315]]);
    }
  });

  it('subscribes fields 0-3, ascending, on each book service', () => {
    for (const service of ['NYSE_BOOK', 'NASDAQ_BOOK', 'OPTIONS_BOOK'] as const) expect(allFields(service)).toEqual([0, 1, 2, 3]);
    expect(initialPlan('OPTIONS_BOOK', ['GOOGL 251212C00315000'], { maxKeysPerRequest: 250, maxKeysPerService: 500 })).toEqual([
      { service: 'OPTIONS_BOOK', command: 'SUBS', keys: ['GOOGL 251212C00315000'], fields: [0, 1, 2, 3] },
    ]);
  });

  it('has a column for every value it fills, in table order', () => {
    expect(Object.keys(rowOf('NYSE_BOOK', item('nyse-book.jsonl', 1)))).toEqual(TABLES.book_snapshots.columns.map((c) => c.name));
  });

  it('keeps an empty side as empty arrays, a missing side as NULL, odd values as NULL elements, and reports unknown fields', () => {
    const outcome = decodeBook('NYSE_BOOK', {
      key: 'X', 1: 'not a time', 2: [], 9: 1,
      3: [{ 0: 'NaN', 1: 1.5e300, 2: 1, 3: [{ 0: 'NYSE', 1: '100', 2: 1, 3: 'x' }, 'odd'], 4: true }, { 0: 10, 1: 100, 2: 1 }],
    }, RECEIVED);
    expect(outcome).toMatchObject({ ok: true });
    if (!outcome.ok) return;
    expect(new Set(outcome.unknownFields)).toEqual(new Set(['9', '3.4', '3.3.3']));
    expect(namedRow('book_snapshots', outcome.row)).toMatchObject({
      symbol: 'X', book_time: null,
      bid_prices: [], bid_sizes: [], bid_venue_counts: [], bid_venues: [],
      ask_prices: [null, 10], ask_sizes: [null, 100], ask_venue_counts: [1, 1],
      ask_venues: [[{ venue: 'NYSE', size: null, time_et_ms: 1 }, null], null],
    });
    const absent = decodeBook('NYSE_BOOK', { key: 'Y', 1: 1765306322349 }, RECEIVED);
    expect(absent.ok && namedRow('book_snapshots', absent.row)).toMatchObject({
      bid_prices: null, bid_sizes: null, bid_venue_counts: null, bid_venues: null, ask_prices: null, ask_venues: null,
    });
  });

  it.each([
    ['no key', { 2: [] }, 'book has no key (symbol)'],
    ['an empty key', { key: '' }, 'book has no key (symbol)'],
    ['bid levels that are not a list', { key: 'F', 2: { 0: 1 } }, 'bid levels (field 2) are not a list'],
    ['an ask level that is not an object', { key: 'F', 3: [{ 0: 1 }, 5] }, 'ask level 2 (field 3) is not an object'],
  ])('refuses a book with %s, as a reject with its reason and an excerpt', (_, raw, reason) => {
    expect(decodeBook('NASDAQ_BOOK', raw as Record<string, unknown>, RECEIVED)).toEqual({ ok: false, reason });
    const result = new StreamDecoder().decodeFrame({ data: [{ service: 'NASDAQ_BOOK', timestamp: 1, content: [raw] }] }, RECEIVED);
    expect(result.rows).toEqual([]);
    expect(result.rejects).toEqual([{ table: 'book_snapshots', reason: `NASDAQ_BOOK ${reason}`, raw: JSON.stringify(raw) }]);
  });
});
