// Workload (c): option chain snapshots of a large underlying. Each line is a GET /marketdata/v1/chains body as the
// simulator serves it ($SPX, every listed expiration, 40 strikes around the money: ~3,700 contracts, ~4 MB), one a
// minute of receive time; between snapshots the quotes move, so the keyed upserts see new values.
import { pathWithQuery } from '../../src/schwab/rest-client.js';
import { optionChain } from '../../src/sim/chains.js';
import { InstrumentTable } from '../../src/sim/instruments.js';
import { Market } from '../../src/sim/market.js';
import { OptionBook } from '../../src/sim/options.js';
import type { Capture } from './recording.js';

export const CHAIN_UNDERLYING = '$SPX';
export const CHAIN_STRIKES = 40;
const SNAPSHOT_EVERY_MS = 60_000;
/** Contracts stepped between snapshots (quotes, sizes and greeks change). */
const STEPS_BETWEEN = 2000;

export function* chainCaptures(snapshots: number, start: number, seed = 1): Generator<Capture> {
  let now = start;
  const market = new Market(seed, new InstrumentTable([CHAIN_UNDERLYING]), () => now);
  const book = new OptionBook(seed, market, [CHAIN_UNDERLYING]);
  const query = {
    symbol: CHAIN_UNDERLYING, contractType: 'ALL' as const, strikeCount: CHAIN_STRIKES, includeUnderlyingQuote: true,
    strategy: 'SINGLE', range: 'ALL', expMonth: 'ALL',
  };
  const path = pathWithQuery('/marketdata/v1/chains', { symbol: CHAIN_UNDERLYING, contractType: 'ALL', strikeCount: CHAIN_STRIKES, includeUnderlyingQuote: true });
  yield { type: 'event', ts: now, event: 'recording_started', detail: { recording: 'bench', feed: 'synthetic' } };
  for (let i = 0; i < snapshots; i++) {
    now = start + i * SNAPSHOT_EVERY_MS;
    if (i > 0) stepSome(book, market);
    yield { type: 'rest', ts: now, method: 'GET', path, status: 200, body: optionChain(book, market, query) };
  }
}

function stepSome(book: OptionBook, market: Market): void {
  const expirations = book.expirations(CHAIN_UNDERLYING);
  const strikes = book.strikes(CHAIN_UNDERLYING, market.last(CHAIN_UNDERLYING));
  for (let k = 0; k < STEPS_BETWEEN; k++) {
    const expiration = expirations[k % expirations.length]!;
    const strike = strikes[(k * 7) % strikes.length]!;
    book.step(book.contract(CHAIN_UNDERLYING, expiration, k % 2 === 0, strike));
  }
}
