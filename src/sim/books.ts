// Order books (NYSE_BOOK, NASDAQ_BOOK, OPTIONS_BOOK): whole frames, item `1` book time (ms), `2` bid levels, `3` ask
// levels, `key` last as in Schwab's frames. A level is {"0":price,"1":aggregate size,"2":venue count,"3":[{"0":venue,
// "1":size,"2":venue time in ms since midnight US/Eastern}]}, best first (bids descending, asks ascending), its venues
// largest first — the shapes and venue ids of Schwabdev's 2025-12 captures (F on NYSE_BOOK, AMD on NASDAQ_BOOK,
// GOOGL 251212C00315000 on OPTIONS_BOOK). Each frame steps the instrument's quote, so the top of the book moves.
import { etDateOf, etMs } from './calendar.js';
import { round2, type Market } from './market.js';
import type { OptionBook } from './options.js';
import { Prng } from './prng.js';

export const BOOK_SERVICES = ['NYSE_BOOK', 'NASDAQ_BOOK', 'OPTIONS_BOOK'] as const;
export type BookService = (typeof BOOK_SERVICES)[number];

/** Field numbers of a book item (schwab-py `BookFields`; Schwabdev's map). */
export const BOOK_FIELDS = { bookTime: 1, bids: 2, asks: 3 } as const;

// Venue ids as captured: NYSE_BOOK upper case, NASDAQ_BOOK lower-case exchanges beside NSDQ and market makers.
const VENUES: Record<BookService, readonly string[]> = {
  NYSE_BOOK: ['NYSE', 'IEXG', 'ARCX', 'NSDQ', 'MWSE', 'BATX', 'MEMX', 'EDGX', 'G', 'MIAX', 'EDGA', 'BATY', 'CINN', 'AMEX', 'PHLX', 'BOSX'],
  NASDAQ_BOOK: ['NSDQ', 'nyse', 'arcx', 'iexg', 'batx', 'edgx', 'memx', 'miax', 'edga', 'baty', 'mwse', 'cinn', 'MAXM', 'JPMS', 'ETMM', 'G'],
  OPTIONS_BOOK: ['S', 'PACX', 'MEMX', 'MIAX', 'AMEX', 'BATS', 'PHLX', 'BOSX', 'EDGX', 'NYSE', 'NSDQ', 'MERC', 'ISEX', 'GMNI', 'CBOE', 'XBXO'],
};

export interface Venue {
  '0': string;
  '1': number;
  '2': number;
}

export interface Level {
  '0': number;
  '1': number;
  '2': number;
  '3': Venue[];
}

interface Side {
  best: number;
  direction: 1 | -1;
  tick: number;
  levels: number;
  lotSize: number;
}

export class BookFeed {
  private readonly prng: Prng;

  constructor(seed: number, private readonly market: Market, private readonly options: OptionBook) {
    this.prng = new Prng(seed + 19);
  }

  /** Whether a key has a book on a service: equities (not indices) on the equity books, listed contracts on OPTIONS_BOOK. */
  known(service: BookService, key: string): boolean {
    if (service === 'OPTIONS_BOOK') return this.options.resolve(key) !== undefined;
    return this.market.instrument(key)?.assetMainType === 'EQUITY';
  }

  /** The whole book item of a key with the requested fields, or undefined when the key has no book. */
  item(service: BookService, key: string, fields: readonly number[]): Record<string, unknown> | undefined {
    const top = this.top(service, key);
    if (top === undefined) return undefined;
    const now = this.market.clock();
    const clock = now - etMs(etDateOf(now), 0);
    const option = service === 'OPTIONS_BOOK';
    const side = (best: number, direction: 1 | -1): Level[] => (best <= 0 ? [] : this.levels(service, clock, {
      best, direction, tick: option && best >= 3 ? 0.05 : 0.01, levels: option ? this.prng.int(1, 3) : this.prng.int(4, 10), lotSize: option ? 1 : 100,
    }));
    const values: Record<number, unknown> = {
      [BOOK_FIELDS.bookTime]: now - this.prng.int(20, 900), [BOOK_FIELDS.bids]: side(top.bid, -1), [BOOK_FIELDS.asks]: side(top.ask, 1),
    };
    const item: Record<string, unknown> = {};
    for (const field of fields) if (values[field] !== undefined) item[String(field)] = values[field];
    item['key'] = key;
    return item;
  }

  private top(service: BookService, key: string): { bid: number; ask: number } | undefined {
    if (service === 'OPTIONS_BOOK') {
      const contract = this.options.resolve(key);
      return contract === undefined ? undefined : this.options.step(contract);
    }
    return this.known(service, key) ? this.market.step(key) : undefined;
  }

  private levels(service: BookService, clock: number, side: Side): Level[] {
    const out: Level[] = [];
    let price = side.best;
    for (let i = 0; i < side.levels && price > 0; i++) {
      const venues = this.venues(service, clock, i === 0 ? this.prng.int(2, 9) : this.prng.int(1, 3), side.lotSize);
      out.push({ 0: price, 1: venues.reduce((sum, venue) => sum + venue[1], 0), 2: venues.length, 3: venues });
      const gap = this.prng.chance(0.8) ? this.prng.int(1, 2) : this.prng.int(3, 25);
      price = round2(price + side.direction * gap * side.tick);
    }
    return out;
  }

  /** `count` distinct venues at a level, largest first; their quote times up to two minutes old. */
  private venues(service: BookService, clock: number, count: number, lotSize: number): Venue[] {
    const pool = [...VENUES[service]];
    const out: Venue[] = [];
    for (let i = 0; i < count && pool.length > 0; i++) {
      const [id] = pool.splice(this.prng.int(0, pool.length - 1), 1);
      out.push({ 0: id ?? '', 1: lotSize * this.prng.int(1, lotSize === 1 ? 30 : 90), 2: Math.max(0, clock - this.prng.int(0, 120_000)) });
    }
    return out.sort((a, b) => b[1] - a[1]);
  }
}
