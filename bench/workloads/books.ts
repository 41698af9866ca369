// Workload (e): order books and screeners, built with the simulator's own BookFeed and ScreenerFeed (the shapes,
// venue ids and units of the real captures). Each tick is what Schwab sends after its throttle: one NYSE_BOOK and
// one NASDAQ_BOOK frame holding the whole book of every subscribed key (4-10 levels a side, several venues on the
// top level), and every few ticks one SCREENER_EQUITY frame with the top-10 list of each screener key.
import { columnIndex, type Row } from '../../src/decode/tables.js';
import { allFields } from '../../src/schwab/fields.js';
import { BookFeed, type BookService } from '../../src/sim/books.js';
import { InstrumentTable } from '../../src/sim/instruments.js';
import { Market } from '../../src/sim/market.js';
import { OptionBook } from '../../src/sim/options.js';
import { ScreenerFeed } from '../../src/sim/screeners.js';
import { equitySymbols } from './level-one.js';
import type { Capture } from './recording.js';

export const BOOK_KEYS = 200;
/** Equity screeners of several universes, sort fields and windows (all within Schwab's key grammar). */
export const SCREENER_KEYS = ['NASDAQ_VOLUME_30', 'NYSE_VOLUME_5', '$SPX_PERCENT_CHANGE_UP_0', 'EQUITY_ALL_TRADES_1'];
/** Receive time between two book ticks (the simulator's and Schwab's book throttle: about a second). */
const TICK_MS = 1000;
/** A screener frame every this many book ticks (5 s, the simulator's screener interval). */
const SCREENER_EVERY = 5;

export interface BookSpec {
  /** Book ticks: each holds a whole book of every one of the BOOK_KEYS symbols. */
  ticks: number;
  seed?: number;
}

/** The keys of each book service: the 200 symbols alternate between NYSE_BOOK and NASDAQ_BOOK. */
export function bookKeys(count = BOOK_KEYS): Record<'NYSE_BOOK' | 'NASDAQ_BOOK', string[]> {
  const symbols = equitySymbols(count);
  return { NYSE_BOOK: symbols.filter((_, i) => i % 2 === 0), NASDAQ_BOOK: symbols.filter((_, i) => i % 2 === 1) };
}

/** The recording's lines: a recording_started event, then per tick the two book frames and, every fifth, a screener frame. */
export function* bookCaptures(spec: BookSpec, start: number): Generator<Capture> {
  let now = start;
  const seed = spec.seed ?? 1;
  const keys = bookKeys();
  const market = new Market(seed, new InstrumentTable([...keys.NYSE_BOOK, ...keys.NASDAQ_BOOK]), () => now);
  const options = new OptionBook(seed, market, []);
  const books = new BookFeed(seed, market, options);
  const screeners = new ScreenerFeed(seed, market, options);
  yield { type: 'event', ts: now, event: 'recording_started', detail: { recording: 'bench', feed: 'synthetic' } };
  for (let tick = 0; tick < spec.ticks; tick++) {
    now = start + tick * TICK_MS;
    for (const service of ['NYSE_BOOK', 'NASDAQ_BOOK'] as const) {
      yield frame(now, service, keys[service].map((key) => books.item(service, key, allFields(service))));
    }
    if (tick % SCREENER_EVERY === 0) {
      yield frame(now, 'SCREENER_EQUITY', SCREENER_KEYS.map((key) => screeners.item('SCREENER_EQUITY', key, allFields('SCREENER_EQUITY'))));
    }
  }
}

function frame(now: number, service: BookService | 'SCREENER_EQUITY', items: Array<Record<string, unknown> | undefined>): Capture {
  const content = items.filter((item) => item !== undefined);
  return { type: 'ws', ts: now, frame: { data: [{ service, timestamp: now, command: 'SUBS', content }] } };
}

/** Mean levels per side and venues per level of the decoded books (the bid and ask price and venue-count arrays). */
export function bookShape(rows: readonly Row[]): string {
  const prices = [columnIndex('book_snapshots', 'bid_prices'), columnIndex('book_snapshots', 'ask_prices')];
  const counts = [columnIndex('book_snapshots', 'bid_venue_counts'), columnIndex('book_snapshots', 'ask_venue_counts')];
  let sides = 0; let levels = 0; let venues = 0;
  for (const row of rows) {
    for (const i of prices) { sides += 1; levels += (row[i] as unknown[] | null)?.length ?? 0; }
    for (const i of counts) for (const n of (row[i] as number[] | null) ?? []) venues += n;
  }
  return `${(levels / sides).toFixed(1)} levels a side, ${(venues / levels).toFixed(1)} venues a level on average`;
}
