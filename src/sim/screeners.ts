// Screeners (SCREENER_EQUITY, SCREENER_OPTION): whole frames for keys `PREFIX_SORTFIELD_FREQUENCY`
// (`NASDAQ_VOLUME_30`, `$SPX_PERCENT_CHANGE_UP_0`, `OPTION_CALL_TRADES_30`); item `1` time (ms), `2` sort field,
// `3` frequency (minutes; 0 = the whole day), `4` the top ten by the sort field, `key` last — as in Schwabdev's
// 2025-12 captures. Per item `netPercentChange` is a fraction (0.0318 = 3.18 %) and `marketShare` a percent of the
// screener's total of the sort quantity; `totalVolume` is that total volume, the same on every item.
import { MINUTE_MS } from './calendar.js';
import type { Market } from './market.js';
import type { OptionBook, OptionQuote } from './options.js';
import { hashUnit } from './prng.js';

export const SCREENER_SERVICES = ['SCREENER_EQUITY', 'SCREENER_OPTION'] as const;
export type ScreenerService = (typeof SCREENER_SERVICES)[number];

/** Field numbers of a screener item (Schwabdev's map). */
export const SCREENER_FIELDS = { time: 1, sortField: 2, frequency: 3, items: 4 } as const;

const SORT_FIELDS = ['VOLUME', 'TRADES', 'PERCENT_CHANGE_UP', 'PERCENT_CHANGE_DOWN', 'AVERAGE_PERCENT_VOLUME'] as const;
type SortField = (typeof SORT_FIELDS)[number];
const KEY_PATTERN = new RegExp(`^(.+?)_(${SORT_FIELDS.join('|')})_(\\d+)$`);
const FREQUENCIES = [0, 1, 5, 10, 30, 60];
const TOP = 10;
const DOW = new Set(['AAPL', 'MSFT', 'NVDA', 'AMZN', 'JPM', 'KO', 'DIS', 'XOM', 'INTC']);
const EQUITY_PREFIXES = new Set(['$COMPX', '$DJI', '$SPX', '$SPX.X', 'INDEX_ALL', 'NYSE', 'NASDAQ', 'OTCBB', 'EQUITY_ALL']);
const OPTION_PREFIXES = new Set(['OPTION_PUT', 'OPTION_CALL', 'OPTION_ALL']);

export interface ScreenerKey {
  prefix: string;
  sortField: SortField;
  frequency: number;
}

export interface ScreenerEntry {
  symbol: string;
  description: string;
  lastPrice: number;
  netChange: number;
  netPercentChange: number;
  marketShare: number;
  totalVolume: number;
  volume: number;
  trades: number;
}

interface Candidate {
  symbol: string;
  description: string;
  last: number;
  close: number;
  volume: number;
  trades: number;
  /** Volume over the usual volume of the window (AVERAGE_PERCENT_VOLUME). */
  relativeVolume: number;
}

const r4 = (value: number): number => Math.round(value * 1e4) / 1e4;
const r8 = (value: number): number => Math.round(value * 1e8) / 1e8;

/** `NASDAQ_VOLUME_30` → NASDAQ, VOLUME, 30; undefined unless prefix, sort field and frequency are Schwab's. */
export function parseScreenerKey(service: ScreenerService, key: string): ScreenerKey | undefined {
  const match = KEY_PATTERN.exec(key);
  if (match === null) return undefined;
  const [, prefix = '', sortField, frequency] = match;
  const prefixes = service === 'SCREENER_OPTION' ? OPTION_PREFIXES : EQUITY_PREFIXES;
  if (!prefixes.has(prefix) || !FREQUENCIES.includes(Number(frequency))) return undefined;
  return { prefix, sortField: sortField as SortField, frequency: Number(frequency) };
}

/** "SPY    Dec 9 2025 684.0 Call": the root padded to seven, as captured. */
function optionScreenerDescription(q: OptionQuote): string {
  const [year, month, day] = q.contract.expiration.date.split('-').map(Number) as [number, number, number];
  const monthName = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][month - 1];
  const strike = Number.isInteger(q.contract.strike) ? q.contract.strike.toFixed(1) : String(q.contract.strike);
  return `${q.contract.root.padEnd(7)}${monthName} ${day} ${year} ${strike} ${q.contract.call ? 'Call' : 'Put'}`;
}

export class ScreenerFeed {
  constructor(private readonly seed: number, private readonly market: Market, private readonly options: OptionBook) {}

  known(service: ScreenerService, key: string): boolean {
    return parseScreenerKey(service, key) !== undefined;
  }

  /** The whole screener item of a key with the requested fields, or undefined for a key that is not a screener. */
  item(service: ScreenerService, key: string, fields: readonly number[]): Record<string, unknown> | undefined {
    const parsed = parseScreenerKey(service, key);
    if (parsed === undefined) return undefined;
    const now = this.market.clock();
    const candidates = service === 'SCREENER_OPTION' ? this.optionCandidates(parsed, now) : this.equityCandidates(parsed, now);
    const values: Record<number, unknown> = {
      [SCREENER_FIELDS.time]: now - Math.round(3000 * hashUnit(this.seed, 'screen', key, now)), [SCREENER_FIELDS.sortField]: parsed.sortField,
      [SCREENER_FIELDS.frequency]: parsed.frequency, [SCREENER_FIELDS.items]: rank(candidates, parsed.sortField),
    };
    const item: Record<string, unknown> = {};
    for (const field of fields) if (values[field] !== undefined) item[String(field)] = values[field];
    item['key'] = key;
    return item;
  }

  private equityCandidates(key: ScreenerKey, now: number): Candidate[] {
    const out: Candidate[] = [];
    for (const symbol of this.market.instruments.symbols()) {
      const instrument = this.market.instrument(symbol);
      const quote = this.market.quote(symbol);
      if (instrument?.assetMainType !== 'EQUITY' || quote === undefined || !inUniverse(key.prefix, symbol, instrument.exchange, instrument.assetSubType)) continue;
      const usual = key.frequency === 0 ? instrument.averageVolume : (instrument.averageVolume / 390) * key.frequency;
      const volume = key.frequency === 0 ? quote.totalVolume : this.windowVolume(symbol, key.frequency, now);
      const perTrade = 60 + 140 * hashUnit(this.seed, 'pertrade', symbol);
      out.push({
        symbol, description: instrument.longDescription, last: quote.last, close: quote.close, volume,
        trades: Math.round(volume / perTrade), relativeVolume: usual > 0 ? volume / usual : 0,
      });
    }
    return out;
  }

  /** Shares traded in the last `minutes` whole minutes (the minute candles REST and CHART_EQUITY serve). */
  private windowVolume(symbol: string, minutes: number, now: number): number {
    const end = Math.floor(now / MINUTE_MS) * MINUTE_MS;
    let volume = 0;
    for (let start = end - minutes * MINUTE_MS; start < end; start += MINUTE_MS) volume += this.market.minuteCandle(symbol, start)?.volume ?? 0;
    return volume;
  }

  /** Near-the-money contracts of the nearest expiration of every underlying with options, calls and/or puts. */
  private optionCandidates(key: ScreenerKey, now: number): Candidate[] {
    const out: Candidate[] = [];
    const share = key.frequency === 0 ? 1 : Math.min(1, key.frequency / 390);
    for (const underlying of this.options.underlyings) {
      const spot = this.market.last(underlying);
      const expiration = this.options.expirations(underlying)[0];
      if (expiration === undefined || spot <= 0) continue;
      const strikes = this.options.strikes(underlying, spot).filter((strike) => Math.abs(strike - spot) <= spot * 0.02);
      for (const strike of strikes) {
        for (const call of [true, false]) {
          if ((key.prefix === 'OPTION_CALL' && !call) || (key.prefix === 'OPTION_PUT' && call)) continue;
          const q = this.options.quote(this.options.contract(underlying, expiration, call, strike));
          const volume = Math.round(q.volume * share * (0.5 + hashUnit(this.seed, 'ovol', q.contract.symbol, Math.floor(now / MINUTE_MS))));
          out.push({
            symbol: q.contract.symbol, description: optionScreenerDescription(q), last: q.last, close: q.close, volume,
            trades: Math.round(volume / (2 + 8 * hashUnit(this.seed, 'otrade', q.contract.symbol))),
            relativeVolume: q.openInterest > 0 ? volume / q.openInterest : 0,
          });
        }
      }
    }
    return out;
  }
}

function inUniverse(prefix: string, symbol: string, exchange: string, subType: string | undefined): boolean {
  switch (prefix) {
    case 'NYSE': return exchange === 'N';
    case 'NASDAQ': case '$COMPX': return exchange === 'Q';
    case '$DJI': return DOW.has(symbol);
    case '$SPX': case '$SPX.X': return subType === 'COE';
    case 'OTCBB': return false;
    default: return true;
  }
}

function sortValue(candidate: Candidate, sortField: SortField): number {
  const change = candidate.close > 0 ? (candidate.last - candidate.close) / candidate.close : 0;
  switch (sortField) {
    case 'VOLUME': return candidate.volume;
    case 'TRADES': return candidate.trades;
    case 'PERCENT_CHANGE_UP': return change;
    case 'PERCENT_CHANGE_DOWN': return -change;
    default: return candidate.relativeVolume;
  }
}

/** The top ten by the sort field, with market shares of the sort quantity (of volume for the other sorts). */
function rank(candidates: Candidate[], sortField: SortField): ScreenerEntry[] {
  const totalVolume = candidates.reduce((sum, c) => sum + c.volume, 0);
  const totalTrades = candidates.reduce((sum, c) => sum + c.trades, 0);
  const share = (c: Candidate): number => (sortField === 'TRADES' ? (totalTrades > 0 ? c.trades / totalTrades : 0) : (totalVolume > 0 ? c.volume / totalVolume : 0));
  return [...candidates]
    .sort((a, b) => sortValue(b, sortField) - sortValue(a, sortField) || a.symbol.localeCompare(b.symbol))
    .slice(0, TOP)
    .map((c) => ({
      symbol: c.symbol, description: c.description, lastPrice: c.last, netChange: r4(c.last - c.close),
      netPercentChange: c.close > 0 ? r8((c.last - c.close) / c.close) : 0, marketShare: r8(share(c) * 100),
      totalVolume, volume: c.volume, trades: c.trades,
    }));
}
