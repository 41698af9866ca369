// Streamer frame → rows, rejects and unknowns. Pure apart from the level-one merge state it holds, and shared by
// live and replay: no I/O, clock, metrics or logging here; the caller counts what comes back.
import { redactAccountActivityItem } from '../schwab/account-mask.js';
import { decodeAccountActivity } from './account-activity.js';
import { decodeBook, type BookService } from './book.js';
import { decodeChartEquity } from './chart-equity.js';
import { decodeChartFutures } from './chart-futures.js';
import { isFiniteNumber, isObject, type ItemOutcome, type ItemRowsOutcome } from './item.js';
import { jsonExcerpt } from './json-text.js';
import { decodeLevelOne, levelOneTable, type LevelOneService, type LevelOneState } from './level-one.js';
import { decodeScreener, type ScreenerService } from './screener.js';
import { columnIndex, TABLES, type Row, type TableName } from './tables.js';
import { isSaneInstant } from './values.js';

export interface DecodeResult {
  rows: { table: TableName; row: Row }[];
  /** `table` is the table the item was meant for, or FRAME_REJECT_TABLE when the frame itself is unusable. */
  rejects: { table: string; reason: string; raw: string }[];
  unknown: { service: string; kind: UnknownKind; name: string }[];
  /** The service of each item whose key's merge state was not kept (level-one key cap). */
  untracked: string[];
}

const SENT_AT = Object.fromEntries(Object.keys(TABLES).map((table) =>
  [table, columnIndex(table as TableName, 'sent_at')])) as Record<TableName, number>;

/** What a data block may hold that the decoder does not know. */
export type UnknownKind = 'service' | 'field' | 'command';

/** The commands a data block is labelled with (the subscription command that produced it). */
const DATA_COMMANDS: ReadonlySet<string> = new Set(['SUBS', 'ADD', 'UNSUBS', 'VIEW']);

/** rejected_rows.table_name of a frame that could not be split into items. */
export const FRAME_REJECT_TABLE = 'stream_frame';

type LevelOneStates = Map<LevelOneService, LevelOneState>;
/** An item is one row, or for whole lists (screeners) a row per entry. */
type ServiceDecoder = (item: Record<string, unknown>, receivedAt: number, states: LevelOneStates) => ItemOutcome | ItemRowsOutcome;

interface ServiceRoute {
  table: TableName;
  decode: ServiceDecoder;
}

const levelOne = (service: LevelOneService): ServiceRoute => ({
  table: levelOneTable(service),
  decode: (item, receivedAt, states) => decodeLevelOne(service, item, stateOf(states, service), receivedAt),
});

const book = (service: BookService): ServiceRoute =>
  ({ table: 'book_snapshots', decode: (item, receivedAt) => decodeBook(service, item, receivedAt) });
const screener = (service: ScreenerService): ServiceRoute =>
  ({ table: 'screener_items', decode: (item, receivedAt) => decodeScreener(service, item, receivedAt) });

function stateOf(states: LevelOneStates, service: LevelOneService): LevelOneState {
  let state = states.get(service);
  if (state === undefined) states.set(service, (state = new Map()));
  return state;
}

// A Map: service names come off the wire, and "toString" must be an unknown service, not a prototype member.
const ROUTES: ReadonlyMap<string, ServiceRoute> = new Map([
  ['LEVELONE_EQUITIES', levelOne('LEVELONE_EQUITIES')],
  ['LEVELONE_OPTIONS', levelOne('LEVELONE_OPTIONS')],
  ['NYSE_BOOK', book('NYSE_BOOK')],
  ['NASDAQ_BOOK', book('NASDAQ_BOOK')],
  ['OPTIONS_BOOK', book('OPTIONS_BOOK')],
  ['SCREENER_EQUITY', screener('SCREENER_EQUITY')],
  ['SCREENER_OPTION', screener('SCREENER_OPTION')],
  ['CHART_EQUITY', { table: 'price_data', decode: (item) => decodeChartEquity(item) }],
  ['ACCT_ACTIVITY', { table: 'account_activity', decode: (item, receivedAt) => decodeAccountActivity(item, receivedAt) }],
  ['LEVELONE_FUTURES', levelOne('LEVELONE_FUTURES')],
  ['LEVELONE_FUTURES_OPTIONS', levelOne('LEVELONE_FUTURES_OPTIONS')],
  ['LEVELONE_FOREX', levelOne('LEVELONE_FOREX')],
  ['CHART_FUTURES', { table: 'price_data', decode: (item) => decodeChartFutures(item) }],
]);

/** The level-one merge state, as JSON: per service, the last merged row of every key. */
export type LevelOneSnapshot = Partial<Record<LevelOneService, Array<[string, Row]>>>;

export class StreamDecoder {
  private readonly states: LevelOneStates = new Map();

  /** The merge state now. Rows are shared, not copied: a merged row is never changed once made. */
  levelOneState(): LevelOneSnapshot {
    const snapshot: LevelOneSnapshot = {};
    for (const [service, state] of this.states) snapshot[service] = [...state];
    return snapshot;
  }

  /** Replaces the merge state with one taken by levelOneState (possibly read back from JSON). */
  restoreLevelOne(snapshot: LevelOneSnapshot): void {
    this.states.clear();
    for (const [service, entries] of Object.entries(snapshot)) {
      const route = ROUTES.get(service);
      if (route === undefined || !Array.isArray(entries)) continue;
      // A state saved before a migration added columns (sent_at) holds shorter rows: NULL for what it lacks.
      const width = TABLES[route.table].columns.length;
      const fitted = entries.map(([key, row]): [string, Row] =>
        [key, row.length === width ? row : [...row, ...new Array<null>(Math.max(0, width - row.length)).fill(null)].slice(0, width)]);
      this.states.set(service as LevelOneService, new Map(fitted));
    }
  }

  /**
   * Forgets every level-one key. Call on reconnect: after re-SUBS Schwab sends a fresh snapshot per key, and a
   * delta must not merge into a state from before the gap. A delta that arrives for a key without state (after
   * reset, or when a replay starts mid-recording) is NOT held back: it yields a row with only its own fields (plus
   * symbol, received_at and, for options, expiration_date) and starts the key's state. Holding it back would lose
   * ticks that no later frame repeats; such rows are recognisable by `delayed IS NULL`, since only a snapshot
   * carries the metadata.
   */
  reset(): void {
    this.states.clear();
  }

  /** `frame` is one parsed streamer text frame; `receivedAt` its capture time (epoch ms), stored as received_at. */
  decodeFrame(frame: unknown, receivedAt: number): DecodeResult {
    const result: DecodeResult = { rows: [], rejects: [], unknown: [], untracked: [] };
    if (!isObject(frame)) {
      reject(result, FRAME_REJECT_TABLE, `frame is ${describe(frame)}, not an object`, frame);
    } else if ('data' in frame) {
      this.decodeData(frame, receivedAt, result);
    } else if (Array.isArray(frame.response) || Array.isArray(frame.notify)) {
      // Command acks and heartbeats: the session's business, no rows.
    } else if ('service' in frame && 'content' in frame) {
      // A bare data block without the {"data":[...]} envelope, as one real ACCT_ACTIVITY capture shows.
      this.decodeBlock(frame, receivedAt, result);
    } else {
      const keys = Object.keys(frame).slice(0, 5).join(', ') || 'none';
      reject(result, FRAME_REJECT_TABLE, `frame has no data, response or notify array (keys: ${keys})`, frame);
    }
    return result;
  }

  private decodeData(frame: Record<string, unknown>, receivedAt: number, result: DecodeResult): void {
    if (!Array.isArray(frame.data)) {
      reject(result, FRAME_REJECT_TABLE, `frame data is ${describe(frame.data)}, not an array`, frame);
      return;
    }
    // A bad block costs only itself: it is quarantined alone and the other services of the frame still decode.
    for (const block of frame.data) this.decodeBlock(block, receivedAt, result);
  }

  private decodeBlock(block: unknown, receivedAt: number, result: DecodeResult): void {
    if (!isObject(block) || typeof block.service !== 'string') {
      reject(result, FRAME_REJECT_TABLE, 'data block has no service name', block);
      return;
    }
    const { service, content } = block;
    const route = ROUTES.get(service);
    if (route === undefined) {
      addUnknown(result, service, 'service', service);
      return;
    }
    // The items still decode: a new command is news, not a reason to drop quotes.
    if (typeof block.command === 'string' && !DATA_COMMANDS.has(block.command)) addUnknown(result, service, 'command', block.command);
    if (!Array.isArray(content)) {
      reject(result, route.table, `${service} content is ${describe(content)}, not an array`, block);
      return;
    }
    const first = result.rows.length;
    for (const item of content) this.decodeItem(route, service, item, receivedAt, result);
    // Schwab's send time, the block's `timestamp`, on every row it gave: NULL when it is missing or not believable.
    const sentAt = isFiniteNumber(block.timestamp) && isSaneInstant(block.timestamp) ? Math.round(block.timestamp) : null;
    for (let i = first; i < result.rows.length; i++) {
      const { table, row } = result.rows[i]!;
      const at = SENT_AT[table];
      if (at >= 0) row[at] = sentAt;
    }
  }

  private decodeItem(
    route: ServiceRoute, service: string, item: unknown, receivedAt: number, result: DecodeResult,
  ): void {
    if (!isObject(item)) {
      reject(result, route.table, `${service} item is ${describe(item)}, not an object`, item);
      return;
    }
    const outcome = route.decode(item, receivedAt, this.states);
    if (!outcome.ok) {
      // Quarantined text must not hold what a row may not: an account number.
      const raw = service === 'ACCT_ACTIVITY' ? redactAccountActivityItem(item) : item;
      reject(result, route.table, `${service} ${outcome.reason}`, raw);
      return;
    }
    if ('rows' in outcome) {
      for (const row of outcome.rows) result.rows.push({ table: route.table, row });
    } else {
      result.rows.push({ table: route.table, row: outcome.row });
      if (outcome.untracked) result.untracked.push(service);
    }
    for (const name of outcome.unknownFields) addUnknown(result, service, 'field', name);
  }
}

function reject(result: DecodeResult, table: string, reason: string, raw: unknown): void {
  result.rejects.push({ table, reason, raw: jsonExcerpt(raw) });
}

/** One entry per (service, kind, name) per frame: a new field on every item of a frame is one finding. */
function addUnknown(result: DecodeResult, service: string, kind: UnknownKind, name: string): void {
  if (result.unknown.some((u) => u.service === service && u.kind === kind && u.name === name)) return;
  result.unknown.push({ service, kind, name });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value === undefined) return 'missing';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
