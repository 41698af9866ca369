// NYSE_BOOK, NASDAQ_BOOK and OPTIONS_BOOK items → book_snapshots rows. Books arrive whole (Guide "Whole"; every
// real capture holds complete sides), so one item is one row and nothing is merged. Each side is a list of price
// levels, best first; a level becomes one element of each parallel array (price, aggregate size, venue count) and
// its venues one element of the side's jsonb. The venue time stays the raw number Schwab sends: ms since midnight
// US/Eastern of the book's day in real frames (docs/protocol.md), which no column type holds without guessing the day.
import { BOOK, BOOK_LEVEL, BOOK_VENUE } from '../schwab/fields.js';
import { isObject, NO_UNKNOWN_FIELDS, type ItemOutcome } from './item.js';
import { rowFrom, type CellValue, type JsonValue } from './tables.js';
import { cellValue } from './values.js';

export type BookService = 'NYSE_BOOK' | 'NASDAQ_BOOK' | 'OPTIONS_BOOK';

const KNOWN_FIELDS = new Set(['key', ...Object.values(BOOK).map(String)]);
const LEVEL_FIELDS = new Set(Object.values(BOOK_LEVEL).map(String));
const VENUE_FIELDS = new Set(Object.values(BOOK_VENUE).map(String));

/** One side of a book as columns: NULL everywhere when Schwab did not send the side. */
interface Side {
  prices: CellValue;
  sizes: CellValue;
  counts: CellValue;
  venues: JsonValue;
}

const ABSENT: Side = { prices: null, sizes: null, counts: null, venues: null };

/** One book, or why it cannot be stored (no key, or a side that is not a list of levels). */
export function decodeBook(service: BookService, item: Record<string, unknown>, receivedAt: number): ItemOutcome {
  const symbol = item.key;
  if (typeof symbol !== 'string' || symbol === '') return { ok: false, reason: 'book has no key (symbol)' };
  const unknown = new Set<string>();
  const bids = side(item[BOOK.bids], 'bid', BOOK.bids, unknown);
  if (typeof bids === 'string') return { ok: false, reason: bids };
  const asks = side(item[BOOK.asks], 'ask', BOOK.asks, unknown);
  if (typeof asks === 'string') return { ok: false, reason: asks };
  for (const name of Object.keys(item)) if (!KNOWN_FIELDS.has(name)) unknown.add(name);
  const row = rowFrom('book_snapshots', {
    received_at: receivedAt, service, symbol, book_time: cellValue('millis', item[BOOK.bookTime], 'timestamptz'),
    bid_prices: bids.prices, bid_sizes: bids.sizes, bid_venue_counts: bids.counts, bid_venues: bids.venues,
    ask_prices: asks.prices, ask_sizes: asks.sizes, ask_venue_counts: asks.counts, ask_venues: asks.venues,
  });
  return { ok: true, row, unknownFields: unknown.size === 0 ? NO_UNKNOWN_FIELDS : [...unknown] };
}

/**
 * A side's levels as parallel arrays, or the reason it cannot be one. A value of a level that is not a number (or
 * a size that is not an integer) is a NULL element, so the arrays stay parallel; unknown level and venue fields are
 * reported as `2.4`, `2.3.3` (side field, level field, venue field).
 */
function side(raw: unknown, name: string, field: number, unknown: Set<string>): Side | string {
  if (raw === undefined || raw === null) return ABSENT;
  if (!Array.isArray(raw)) return `${name} levels (field ${field}) are not a list`;
  const prices: CellValue[] = [];
  const sizes: CellValue[] = [];
  const counts: CellValue[] = [];
  const venues: JsonValue[] = [];
  for (let i = 0; i < raw.length; i++) {
    const level: unknown = raw[i];
    if (!isObject(level)) return `${name} level ${i + 1} (field ${field}) is not an object`;
    prices.push(cellValue('double', level[BOOK_LEVEL.price], 'float8'));
    sizes.push(cellValue('int', level[BOOK_LEVEL.size], 'int8'));
    counts.push(cellValue('int', level[BOOK_LEVEL.venueCount], 'int4'));
    venues.push(levelVenues(level[BOOK_LEVEL.venues], field, unknown));
    for (const key of Object.keys(level)) if (!LEVEL_FIELDS.has(key)) unknown.add(`${field}.${key}`);
  }
  return { prices, sizes, counts, venues };
}

/** A level's venues as [{venue, size, time_et_ms}]; JSON null when the level has no list, and for a venue that is not an object. */
function levelVenues(raw: unknown, field: number, unknown: Set<string>): JsonValue {
  if (!Array.isArray(raw)) return null;
  return raw.map((venue: unknown): JsonValue => {
    if (!isObject(venue)) return null;
    for (const key of Object.keys(venue)) if (!VENUE_FIELDS.has(key)) unknown.add(`${field}.${BOOK_LEVEL.venues}.${key}`);
    return {
      venue: cellValue('text', venue[BOOK_VENUE.id], 'text'),
      size: cellValue('int', venue[BOOK_VENUE.size], 'int8'),
      time_et_ms: cellValue('int', venue[BOOK_VENUE.time], 'int8'),
    };
  });
}

/** A converted value, with what cannot be stored as NULL. */
