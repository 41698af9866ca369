// Which option contracts the recorder follows on LEVELONE_OPTIONS: from a chain snapshot, the expirations within a
// days-to-expiration window and, per expiration and side, the strikes nearest the underlying price.
import { decodeChain, type ChainSnapshot } from '../decode/rest/chains.js';

export interface TrackedContractsOptions {
  minDte: number;
  maxDte: number;
  /** Strikes per expiration and side (calls, puts): the N nearest the underlying price. */
  strikesAroundMoney: number;
}

/**
 * OCC symbols (as Schwab spells them, padded) of the contracts to subscribe, ordered by expiration, calls before
 * puts, strike, symbol. Accepts a decoded ChainSnapshot or a raw chain body. Ties in distance go to the lower strike;
 * every contract at a chosen strike is kept (an index lists two roots, SPX and SPXW, at one date and strike).
 */
export function trackedContracts(chain: ChainSnapshot | unknown, options: TrackedContractsOptions): string[] {
  const snapshot = isChainSnapshot(chain) ? chain : snapshotOfBody(chain);
  if (snapshot === undefined || options.strikesAroundMoney <= 0) return [];
  const prices = new Map(snapshot.chains.map((c) => [c.expiration_date, c.underlying_price]));
  const groups = new Map<string, { date: string; putCall: string; price: number; byStrike: Map<number, string[]> }>();
  for (const contract of snapshot.contracts) {
    const dte = contract.days_to_expiration;
    const price = prices.get(contract.expiration_date);
    if (dte === null || dte < options.minDte || dte > options.maxDte || price === null || price === undefined) continue;
    const key = `${contract.expiration_date}|${contract.put_call}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { date: contract.expiration_date, putCall: contract.put_call, price, byStrike: new Map() };
      groups.set(key, group);
    }
    const symbols = group.byStrike.get(contract.strike_price) ?? [];
    symbols.push(contract.option_symbol);
    group.byStrike.set(contract.strike_price, symbols);
  }
  const chosen: { date: string; side: number; strike: number; symbol: string }[] = [];
  for (const group of groups.values()) {
    const nearest = [...group.byStrike.keys()]
      .sort((a, b) => Math.abs(a - group.price) - Math.abs(b - group.price) || a - b)
      .slice(0, options.strikesAroundMoney);
    for (const strike of nearest) {
      for (const symbol of group.byStrike.get(strike)!) chosen.push({ date: group.date, side: group.putCall === 'CALL' ? 0 : 1, strike, symbol });
    }
  }
  chosen.sort((a, b) => a.date.localeCompare(b.date) || a.side - b.side || a.strike - b.strike || compare(a.symbol, b.symbol));
  return [...new Set(chosen.map((c) => c.symbol))];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isChainSnapshot(value: unknown): value is ChainSnapshot {
  return typeof value === 'object' && value !== null && Array.isArray((value as ChainSnapshot).contracts)
    && Array.isArray((value as ChainSnapshot).chains);
}

/** A raw body through the decoder: days to expiration come from its map keys, so the capture time does not matter. */
function snapshotOfBody(body: unknown): ChainSnapshot | undefined {
  const { snapshots } = decodeChain(body, { path: '', receivedAt: 0 });
  return snapshots[0]?.data as ChainSnapshot | undefined;
}
