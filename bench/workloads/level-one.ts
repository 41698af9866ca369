// Workloads (a) and (b): LEVELONE_EQUITIES for 500 symbols and LEVELONE_OPTIONS for 3000 SPY contracts, built with
// the simulator's own record builders and Change tracking (a full snapshot per key first, then only changed
// fields), for every field the recorder subscribes to, timestamped as if offered at a steady rate.
import { allFields } from '../../src/schwab/fields.js';
import { DEFAULT_SYMBOLS, InstrumentTable } from '../../src/sim/instruments.js';
import { ChangeTracker, equityRecord, optionRecord, type FieldValue } from '../../src/sim/levelone.js';
import { Market } from '../../src/sim/market.js';
import { OptionBook, type Contract } from '../../src/sim/options.js';
import type { Capture } from './recording.js';

export type LevelOneService = 'LEVELONE_EQUITIES' | 'LEVELONE_OPTIONS';

export interface LevelOneSpec {
  service: LevelOneService;
  /** Items (rows) in the recording, snapshots included. */
  rows: number;
  /** Items per frame: Schwab batches several keys' changes into one frame. */
  itemsPerFrame: number;
  /** The receive times are spaced as if this many rows per second were offered. */
  rowsPerSecond: number;
  seed?: number;
}

export const EQUITY_KEYS = 500;
export const OPTION_KEYS = 3000;
export const OPTION_UNDERLYING = 'SPY';

/** 500 equity symbols: the simulator's built-in names first, then synthetic ones (plausible reference data). */
export function equitySymbols(count = EQUITY_KEYS): string[] {
  const known = DEFAULT_SYMBOLS.filter((s) => !s.startsWith('$'));
  const extra = Array.from({ length: Math.max(0, count - known.length) }, (_, i) => `Z${String(i).padStart(3, '0')}`);
  return [...known, ...extra].slice(0, count);
}

/** `count` listed SPY contracts nearest the money, across every expiration, calls and puts. */
export function optionContracts(book: OptionBook, market: Market, count = OPTION_KEYS): Contract[] {
  const spot = market.last(OPTION_UNDERLYING);
  const expirations = book.expirations(OPTION_UNDERLYING);
  const perSide = Math.ceil(count / expirations.length / 2);
  const strikes = [...book.strikes(OPTION_UNDERLYING, spot)].sort((a, b) => Math.abs(a - spot) - Math.abs(b - spot)).slice(0, perSide);
  const contracts: Contract[] = [];
  for (const expiration of expirations) {
    for (const strike of strikes) for (const call of [true, false]) contracts.push(book.contract(OPTION_UNDERLYING, expiration, call, strike));
  }
  return contracts.slice(0, count);
}

/** OCC symbols of workload (b), for the recorder's `stream.options` when it streams them from the simulator. */
export function optionSymbols(count = OPTION_KEYS, seed = 1): string[] {
  const market = new Market(seed, new InstrumentTable([OPTION_UNDERLYING]));
  return optionContracts(new OptionBook(seed, market, [OPTION_UNDERLYING]), market, count).map((c) => c.symbol);
}

/** The recording's lines: a recording_started event, then data frames of `itemsPerFrame` items each. */
export function* levelOneCaptures(spec: LevelOneSpec, start: number): Generator<Capture> {
  let now = start;
  const item = itemSource(spec.service, spec.seed ?? 1, () => now);
  yield { type: 'event', ts: now, event: 'recording_started', detail: { recording: 'bench', feed: 'synthetic' } };
  const frameMs = (spec.itemsPerFrame / spec.rowsPerSecond) * 1000;
  let rows = 0;
  for (let frame = 0; rows < spec.rows; frame++) {
    now = start + Math.round(frame * frameMs);
    const content: Record<string, FieldValue>[] = [];
    while (content.length < spec.itemsPerFrame && rows < spec.rows) {
      const next = item();
      if (next === undefined) continue; // nothing changed: Schwab sends nothing for the key
      content.push(next);
      rows += 1;
    }
    yield { type: 'ws', ts: now, frame: { data: [{ service: spec.service, timestamp: now, command: 'SUBS', content }] } };
  }
}

/** Round-robin over the keys: the first visit is the snapshot, later ones a random-walk step's changed fields. */
function itemSource(service: LevelOneService, seed: number, clock: () => number): () => Record<string, FieldValue> | undefined {
  const fields = allFields(service);
  const tracker = new ChangeTracker();
  let next = 0;
  if (service === 'LEVELONE_EQUITIES') {
    const symbols = equitySymbols();
    const instruments = new InstrumentTable(symbols);
    const market = new Market(seed, instruments, clock);
    const seen = new Set<string>();
    return () => {
      const symbol = symbols[next++ % symbols.length]!;
      const instrument = instruments.get(symbol)!;
      const quote = seen.has(symbol) ? market.step(symbol)! : market.quote(symbol)!;
      seen.add(symbol);
      const meta = { delayed: false, assetMainType: instrument.assetMainType, assetSubType: instrument.assetSubType, cusip: instrument.cusip };
      return tracker.item(symbol, equityRecord(instrument, quote, market), fields, meta);
    };
  }
  const market = new Market(seed, new InstrumentTable([OPTION_UNDERLYING]), clock);
  const book = new OptionBook(seed, market, [OPTION_UNDERLYING]);
  const contracts = optionContracts(book, market);
  const seen = new Set<string>();
  return () => {
    const contract = contracts[next++ % contracts.length]!;
    const quote = seen.has(contract.symbol) ? book.step(contract) : book.quote(contract);
    seen.add(contract.symbol);
    return tracker.item(contract.symbol, optionRecord(quote), fields, { delayed: false, assetMainType: 'OPTION' });
  };
}
