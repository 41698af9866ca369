// Currency pairs (LEVELONE_FOREX): keys `EUR/USD`, a live bid/ask in pips (5 decimals, 3 for yen pairs) around a
// deterministic path, and the level-one record by field number in the order and with the constants of a real capture
// (schwab-py tests, 2024-06-19: exchange "!", exchange name "GFT", digits 2, percent change 0, 52-week high and low
// equal to the day's, sizes in units of currency).
import { MINUTE_MS } from './calendar.js';
import type { FieldRecord, SnapshotMeta } from './levelone.js';
import type { Market } from './market.js';
import { globexSessionStart } from './futures.js';
import { Prng, hashUnit } from './prng.js';

export interface CurrencyPair {
  symbol: string;
  description: string;
  basePrice: number;
  volatility: number;
  /** 5, or 3 for yen pairs. */
  places: number;
}

type Row = [symbol: string, description: string, price: number, vol: number];

const ROWS: Row[] = [
  ['EUR/USD', 'Euro/USDollar Spot', 1.165, 0.07],
  ['GBP/USD', 'GBPound/USDollar Spot', 1.335, 0.08],
  ['USD/JPY', 'USDollar/Japanese Yen Spot', 154.5, 0.09],
  ['EUR/GBP', 'Euro/GBPound Spot', 0.8725, 0.06],
  ['AUD/USD', 'Australian Dollar/USDollar Spot', 0.655, 0.09],
  ['USD/CAD', 'USDollar/Canadian Dollar Spot', 1.398, 0.06],
  ['USD/CHF', 'USDollar/Swiss Franc Spot', 0.798, 0.07],
  ['EUR/JPY', 'Euro/Japanese Yen Spot', 180.1, 0.09],
  ['NZD/USD', 'New Zealand Dollar/USDollar Spot', 0.572, 0.1],
];

export const CURRENCY_PAIRS: ReadonlyMap<string, CurrencyPair> = new Map(ROWS.map(([symbol, description, basePrice, volatility]) =>
  [symbol, { symbol, description, basePrice, volatility, places: symbol.includes('JPY') ? 3 : 5 }]));

interface Quote {
  bid: number;
  ask: number;
  bidSize: number;
  askSize: number;
  totalVolume: number;
  lastSize: number;
  open: number;
  high: number;
  low: number;
  close: number;
  quoteTime: number;
}

const at = (value: number, places: number): number => Number(value.toFixed(places));

export class ForexMarket {
  private readonly quotes = new Map<string, Quote>();
  private readonly prng: Prng;

  constructor(private readonly seed: number, private readonly market: Market) {
    this.prng = new Prng(seed + 17);
  }

  known(key: string): boolean {
    return CURRENCY_PAIRS.has(key);
  }

  private fair(pair: CurrencyPair, time: number): number {
    return this.market.path(`forex:${pair.symbol}`, pair.basePrice, pair.volatility, time);
  }

  private quote(pair: CurrencyPair): Quote {
    let quote = this.quotes.get(pair.symbol);
    if (quote !== undefined) return quote;
    const now = this.market.clock();
    const start = globexSessionStart(now);
    const samples: number[] = [];
    for (let t = start; t <= now; t += 30 * MINUTE_MS) samples.push(at(this.fair(pair, t), pair.places));
    const mid = this.fair(pair, now);
    const pip = 10 ** -(pair.places - 1);
    quote = {
      bid: at(mid - 0.6 * pip, pair.places), ask: at(mid + 0.7 * pip, pair.places), bidSize: 1_000_000, askSize: 1_000_000,
      totalVolume: Math.round(1e4 * (500 + 1500 * hashUnit(this.seed, 'fxvol', pair.symbol, start))), lastSize: 10_000,
      open: samples[0] ?? at(mid, pair.places), high: Math.max(...samples, at(mid, pair.places)),
      low: Math.min(...samples, at(mid, pair.places)), close: at(this.fair(pair, start - MINUTE_MS), pair.places), quoteTime: now,
    };
    this.quotes.set(pair.symbol, quote);
    return quote;
  }

  private step(pair: CurrencyPair): Quote {
    const quote = this.quote(pair);
    const now = this.market.clock();
    const pip = 10 ** -(pair.places - 1);
    const mid = (quote.bid + quote.ask) / 2;
    const tickVol = mid * (pair.volatility / Math.sqrt(252)) / 60;
    const next = mid + 0.05 * (this.fair(pair, now) - mid) + tickVol * this.prng.normal();
    const spread = pip * (0.8 + 0.2 * this.prng.int(0, 5));
    quote.bid = at(next - spread / 2, pair.places);
    quote.ask = at(quote.bid + spread, pair.places);
    quote.bidSize = 1_000_000 * this.prng.int(1, 5);
    quote.askSize = 1_000_000 * this.prng.int(1, 5);
    quote.lastSize = 10_000 * this.prng.int(1, 30);
    quote.totalVolume += quote.lastSize;
    const last = at((quote.bid + quote.ask) / 2, pair.places + 1);
    quote.high = Math.max(quote.high, last);
    quote.low = Math.min(quote.low, last);
    quote.quoteTime = now;
    return quote;
  }

  /** Every LEVELONE_FOREX field 1–29 of a pair, or undefined for a key that is not a known pair. */
  record(key: string, step: boolean): FieldRecord | undefined {
    const pair = CURRENCY_PAIRS.get(key);
    if (pair === undefined) return undefined;
    const q = step ? this.step(pair) : this.quote(pair);
    // The last price is the mid, one digit finer than the quotes (a capture: bid 1.07435, ask 1.07448, last 1.074415).
    const last = at((q.bid + q.ask) / 2, pair.places + 1);
    const values = [
      q.bid, q.ask, last, q.bidSize, q.askSize, q.totalVolume, q.lastSize, q.quoteTime, q.quoteTime, q.high, q.low, q.close,
      '!', pair.description, q.open, at(last - q.close, pair.places + 1), 0, 'GFT', 2, 'Unknown', 0, 0, '', '', false, '',
      q.high, q.low, last,
    ];
    return new Map(values.map((value, index) => [index + 1, value]));
  }
}

export const FOREX_META: SnapshotMeta = { delayed: false, assetMainType: 'FOREX' };
