// Futures and futures options (LEVELONE_FUTURES, LEVELONE_FUTURES_OPTIONS): products with their real tick sizes,
// multipliers and venues, keys `/ES` (the front month) or `/ESZ25` (a dated contract) and `./OZCZ25C565` (an option
// on a futures contract), a live quote per contract that walks in whole ticks around a deterministic path, and the
// level-one records by field number in the order of real captures (schwab-py tests, 2024-06; Schwabdev docs, 2025-12).
import { blackScholes } from './black-scholes.js';
import { DAY_MS, MINUTE_MS, addDays, etDateOf, etMs, weekday, type IsoDate } from './calendar.js';
import type { FieldRecord, SnapshotMeta } from './levelone.js';
import type { Market } from './market.js';
import { Prng, hashUnit } from './prng.js';

export const MONTH_CODES = 'FGHJKMNQUVXZ';
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Field 29 as captured for /ES (equity index products) and /CL (the others). */
const HOURS_INDEX = 'GLBX(de=1640;0=-17001600;1=r-17001600d-15551640;7=d-16401555)';
const HOURS_OTHER = 'GLBX(de=1640;0=-17001600;1=-17001600d-15551640;7=d-16401555)';
/** Schwab sends '?' for the futures venue ids (bid, ask, last) and 63 (its character code) for futures options'. */
const UNKNOWN_ID = '?';
const UNKNOWN_ID_CODE = 63;
const RATE = 0.0425;

export interface FuturesProduct {
  root: string;
  description: string;
  basePrice: number;
  volatility: number;
  tick: number;
  /** Dollars per tick (field 26). */
  tickAmount: number;
  multiplier: number;
  mic: string;
  /** Listed contract months, as month codes. */
  cycle: string;
  /** Contracts a day, for volume. */
  averageVolume: number;
  /** Price drift per month further out (contango > 0). */
  carryPerMonth: number;
  index: boolean;
  /** Energy contracts expire in the month before their contract month. */
  expiresMonthBefore: boolean;
  options: { description: string; tick: number; strikeStep: number };
}

type Row = [root: string, description: string, price: number, vol: number, tick: number, multiplier: number, mic: string,
  cycle: string, volume: number, carry: number, optionDescription: string, optionTick: number, strikeStep: number];

const ROWS: Row[] = [
  ['ES', 'E-mini S&P 500 Index Futures', 6650, 0.16, 0.25, 50, 'XCME', 'HMUZ', 1_400_000, 0.003, 'E-mini S&P 500 Options', 0.05, 5],
  ['NQ', 'E-mini Nasdaq-100 Index Futures', 24500, 0.21, 0.25, 20, 'XCME', 'HMUZ', 550_000, 0.003, 'E-mini NASDAQ-100 Options', 0.05, 10],
  ['YM', 'E-mini Dow Jones Industrial Average Index Futures', 46500, 0.15, 1, 5, 'XCBT', 'HMUZ', 120_000, 0.003, 'E-mini Dow Options', 1, 50],
  ['RTY', 'E-mini Russell 2000 Index Futures', 2450, 0.23, 0.1, 50, 'XCME', 'HMUZ', 160_000, 0.003, 'E-mini Russell 2000 Options', 0.05, 5],
  ['CL', 'Light Sweet Crude Oil Futures', 62, 0.35, 0.01, 1000, 'XNYM', 'FGHJKMNQUVXZ', 300_000, -0.004, 'Crude Oil Options', 0.01, 0.5],
  ['GC', 'Gold Futures', 4050, 0.18, 0.1, 100, 'XCEC', 'GJMQVZ', 200_000, 0.0035, 'Gold Options', 0.1, 5],
  ['SI', 'Silver Futures', 50, 0.3, 0.005, 5000, 'XCEC', 'HKNUZ', 70_000, 0.0035, 'Silver Options', 0.005, 0.25],
  ['ZN', '10-Year T-Note Futures', 112.5, 0.06, 0.015625, 1000, 'XCBT', 'HMUZ', 1_500_000, -0.001, '10-Year T-Note Options', 0.015625, 0.5],
  ['ZC', 'Corn Futures', 430, 0.22, 0.25, 50, 'XCBT', 'HKNUZ', 250_000, 0.004, 'Corn Options', 0.125, 5],
  ['6E', 'Euro FX Futures', 1.168, 0.08, 0.00005, 125_000, 'XCME', 'HMUZ', 180_000, 0.0015, 'Euro FX Options', 0.00005, 0.005],
];

export const FUTURES_PRODUCTS: ReadonlyMap<string, FuturesProduct> = new Map(ROWS.map((row) => {
  const [root, description, basePrice, volatility, tick, multiplier, mic, cycle, averageVolume, carryPerMonth, optionDescription, optionTick, strikeStep] = row;
  const product: FuturesProduct = {
    root, description, basePrice, volatility, tick, tickAmount: Number((tick * multiplier).toFixed(6)), multiplier, mic, cycle,
    averageVolume, carryPerMonth, index: ['ES', 'NQ', 'YM', 'RTY'].includes(root), expiresMonthBefore: root === 'CL',
    options: { description: optionDescription, tick: optionTick, strikeStep },
  };
  return [root, product];
}));

/** Option roots (the part after `./`) and the futures product they are written on. */
const OPTION_ROOTS: Record<string, string> = {
  ES: 'ES', EW: 'ES', E1A: 'ES', E2A: 'ES', E3A: 'ES', E1C: 'ES', E3D: 'ES', NQ: 'NQ', Q3D: 'NQ', OYM: 'YM', RTO: 'RTY',
  LO: 'CL', OG: 'GC', SO: 'SI', OZN: 'ZN', OZC: 'ZC', EUU: '6E',
};

const WEEKLY_OPTION_ROOTS = new Set(['E1A', 'E2A', 'E3A', 'E1C', 'E3D', 'Q3D']);

export interface FuturesContract {
  symbol: string;
  product: FuturesProduct;
  year: number;
  month: number;
  expiration: IsoDate;
}

export interface FuturesOption {
  symbol: string;
  root: string;
  underlying: FuturesContract;
  call: boolean;
  strike: number;
  expiration: IsoDate;
}

interface Quote {
  bid: number;
  ask: number;
  last: number;
  bidSize: number;
  askSize: number;
  lastSize: number;
  totalVolume: number;
  openInterest: number;
  open: number;
  high: number;
  low: number;
  close: number;
  quoteTime: number;
  tradeTime: number;
  bidTime: number;
  askTime: number;
}

function decimals(tick: number): number {
  const text = String(tick);
  return text.includes('.') ? (text.split('.')[1]?.length ?? 0) : 0;
}

/** `value` on the tick grid (floor, round or ceil), without binary fractions (0.1 + 0.2). */
export function onTick(value: number, tick: number, mode: 'floor' | 'round' | 'ceil' = 'round'): number {
  // A nudge against binary error: 5 / 0.25 may come out as 19.999999999999996, which floor would take to 19.
  const steps = value / tick + (mode === 'floor' ? 1e-9 : mode === 'ceil' ? -1e-9 : 0);
  return Number((Math[mode](steps) * tick).toFixed(decimals(tick)));
}

function thirdFriday(year: number, month: number): IsoDate {
  let date = `${year}-${String(month).padStart(2, '0')}-01`;
  while (weekday(date) !== 5) date = addDays(date, 1);
  return addDays(date, 14);
}

/** Equity-index and most contracts: the third Friday of the month; energy: the 20th of the month before (a weekday). */
function contractExpiration(product: FuturesProduct, year: number, month: number): IsoDate {
  if (!product.expiresMonthBefore) return thirdFriday(year, month);
  const [y, m] = month === 1 ? [year - 1, 12] : [year, month - 1];
  let date = `${y}-${String(m).padStart(2, '0')}-20`;
  while (weekday(date) > 5) date = addDays(date, -1);
  return date;
}

/** Start of the Globex session holding `ms`: 18:00 ET of the day before (or of the same day after 18:00). */
export function globexSessionStart(ms: number): number {
  const date = etDateOf(ms);
  const evening = etMs(date, 18);
  return ms >= evening ? evening : etMs(addDays(date, -1), 18);
}

/** Futures trade Sunday 18:00 to Friday 17:00 ET with a break from 17:00 to 18:00 each day (holidays are ignored). */
export function isGlobexMinute(ms: number): boolean {
  const date = etDateOf(ms);
  const day = weekday(date);
  const minute = (ms - etMs(date, 0)) / MINUTE_MS;
  if (day === 6 || (day === 7 && minute < 18 * 60) || (day === 5 && minute >= 17 * 60)) return false;
  return minute < 17 * 60 || minute >= 18 * 60;
}

export class FuturesMarket {
  private readonly quotes = new Map<string, Quote>();
  private readonly prng: Prng;

  constructor(private readonly seed: number, private readonly market: Market) {
    this.prng = new Prng(seed + 13);
  }

  private now(): number {
    return this.market.clock();
  }

  clock(): number {
    return this.market.clock();
  }

  /** `/ES` → the front month; `/ESZ25` → that contract while it trades; anything else → undefined. */
  contract(key: string): FuturesContract | undefined {
    const product = FUTURES_PRODUCTS.get(key.slice(1));
    if (key.startsWith('/') && product !== undefined) return this.front(product);
    for (const candidate of FUTURES_PRODUCTS.values()) {
      const rest = key.startsWith(`/${candidate.root}`) ? key.slice(candidate.root.length + 1) : '';
      const match = /^([FGHJKMNQUVXZ])(\d{2})$/.exec(rest);
      if (match === null || !candidate.cycle.includes(match[1] ?? '')) continue;
      const contract = this.dated(candidate, 2000 + Number(match[2]), MONTH_CODES.indexOf(match[1] ?? '') + 1);
      return contract.expiration >= etDateOf(this.now()) ? contract : undefined;
    }
    return undefined;
  }

  private dated(product: FuturesProduct, year: number, month: number): FuturesContract {
    const symbol = `/${product.root}${MONTH_CODES[month - 1]}${String(year % 100).padStart(2, '0')}`;
    return { symbol, product, year, month, expiration: contractExpiration(product, year, month) };
  }

  /** The first listed contract that has not expired. */
  front(product: FuturesProduct): FuturesContract {
    const today = etDateOf(this.now());
    let [year, month] = today.split('-').map(Number) as [number, number];
    for (;;) {
      if (product.cycle.includes(MONTH_CODES[month - 1] ?? '')) {
        const contract = this.dated(product, year, month);
        if (contract.expiration >= today) return contract;
      }
      month = month === 12 ? 1 : month + 1;
      if (month === 1) year += 1;
    }
  }

  /** `./OZCZ25C565`: root, month code, two-digit year, C or P, strike; on the first listed contract from that month. */
  option(key: string): FuturesOption | undefined {
    const match = /^\.\/([A-Z0-9]+?)([FGHJKMNQUVXZ])(\d{2})([CP])(\d+(?:\.\d+)?)$/.exec(key);
    if (match === null) return undefined;
    const [, root = '', code = '', yy = '', kind, strikeText = ''] = match;
    const product = FUTURES_PRODUCTS.get(OPTION_ROOTS[root] ?? '');
    const strike = Number(strikeText);
    if (product === undefined || !(strike > 0)) return undefined;
    const year = 2000 + Number(yy);
    const month = MONTH_CODES.indexOf(code) + 1;
    const expiration = thirdFriday(year, month);
    if (expiration < etDateOf(this.now())) return undefined;
    let [y, m] = [year, month];
    while (!product.cycle.includes(MONTH_CODES[m - 1] ?? '')) [y, m] = m === 12 ? [y + 1, 1] : [y, m + 1];
    return { symbol: key, root, underlying: this.dated(product, y, m), call: kind === 'C', strike, expiration };
  }

  /** The deterministic fair price of a contract: the product's path, carried by months to expiry. */
  fairPrice(contract: FuturesContract, at: number): number {
    const { product } = contract;
    const months = Math.max(0, (etMs(contract.expiration, 0) - at) / (30.4 * DAY_MS));
    return product.basePrice === 0 ? 0 : this.market.path(`future:${product.root}`, product.basePrice, product.volatility, at) * (1 + product.carryPerMonth * months);
  }

  private quote(contract: FuturesContract): Quote {
    let quote = this.quotes.get(contract.symbol);
    if (quote === undefined) this.quotes.set(contract.symbol, (quote = this.createQuote(contract)));
    return quote;
  }

  private createQuote(contract: FuturesContract): Quote {
    const { product, symbol } = contract;
    const now = this.now();
    const start = globexSessionStart(now);
    const samples: number[] = [];
    for (let t = start; t < now; t += 30 * MINUTE_MS) samples.push(onTick(this.fairPrice(contract, t), product.tick));
    const last = onTick(this.fairPrice(contract, now), product.tick);
    samples.push(last);
    const elapsed = Math.min(1, (now - start) / (23 * 60 * MINUTE_MS));
    const share = contract.symbol === this.front(product).symbol ? 1 : 0.05;
    return {
      bid: onTick(last - product.tick, product.tick), ask: last, last, bidSize: 12, askSize: 9, lastSize: 1,
      totalVolume: Math.round(product.averageVolume * share * elapsed * (0.6 + 0.8 * hashUnit(this.seed, 'fvol', symbol, start))),
      openInterest: Math.round(product.averageVolume * share * (1 + hashUnit(this.seed, 'foi', symbol))),
      open: samples[0] ?? last, high: Math.max(...samples), low: Math.min(...samples),
      close: onTick(this.fairPrice(contract, start - MINUTE_MS), product.tick),
      quoteTime: now, tradeTime: now, bidTime: now, askTime: now,
    };
  }

  /** One random-walk step in whole ticks: a new bid/ask (60 %) or a trade at the bid or the ask. */
  private step(contract: FuturesContract): Quote {
    const { product } = contract;
    const quote = this.quote(contract);
    const now = this.now();
    const { tick } = product;
    const target = this.fairPrice(contract, now);
    const tickVol = quote.last * (product.volatility / Math.sqrt(252)) / 60;
    const mid = quote.last + 0.05 * (target - quote.last) + tickVol * this.prng.normal();
    if (this.prng.chance(0.6)) {
      quote.bid = onTick(mid - tick / 2, tick, 'floor');
      quote.ask = onTick(quote.bid + tick * this.prng.int(1, 2), tick);
      quote.bidSize = this.prng.int(1, 60);
      quote.askSize = this.prng.int(1, 60);
      Object.assign(quote, { quoteTime: now, bidTime: now, askTime: now });
    } else {
      const price = this.prng.chance(0.5) ? quote.bid : quote.ask;
      quote.last = price;
      quote.lastSize = this.prng.int(1, 12);
      quote.totalVolume += quote.lastSize;
      quote.high = Math.max(quote.high, price);
      quote.low = Math.min(quote.low, price);
      quote.tradeTime = now;
      quote.quoteTime = now;
    }
    return quote;
  }

  /** Every LEVELONE_FUTURES field 1–40 of a key's contract, or undefined for a key nothing trades under. */
  futuresRecord(key: string, step: boolean): FieldRecord | undefined {
    const contract = this.contract(key);
    if (contract === undefined) return undefined;
    const { product } = contract;
    const q = step ? this.step(contract) : this.quote(contract);
    const places = decimals(product.tick);
    const netChange = Number((q.last - q.close).toFixed(places));
    const now = this.now();
    const values = [
      q.bid, q.ask, q.last, q.bidSize, q.askSize, UNKNOWN_ID, UNKNOWN_ID, q.totalVolume, q.lastSize, q.quoteTime, q.tradeTime,
      q.high, q.low, q.close, '@', `${product.description},${MONTH_NAMES[contract.month - 1]}-${contract.year},ETH`, UNKNOWN_ID,
      q.open, netChange, q.close > 0 ? Math.round((netChange / q.close) * 1e10) / 1e8 : 0, product.mic, 'Normal', q.openInterest,
      q.last, product.tick, product.tickAmount, `/${product.root}`, 'D,D', product.index ? HOURS_INDEX : HOURS_OTHER, false,
      product.multiplier, true, q.close, this.front(product).symbol, etMs(contract.expiration, 0), 'Unknown', q.askTime,
      q.bidTime, true, Date.parse(`${etDateOf(now)}T00:00:00Z`),
    ];
    return new Map(values.map((value, index) => [index + 1, value]));
  }

  /** Every LEVELONE_FUTURES_OPTIONS field 1–31 of an option key, priced off its future (Black-76), or undefined. */
  optionRecord(key: string, step: boolean): FieldRecord | undefined {
    const option = this.option(key);
    if (option === undefined) return undefined;
    const { product } = option.underlying;
    const { tick } = product.options;
    const future = step ? this.step(option.underlying) : this.quote(option.underlying);
    const spot = (future.bid + future.ask) / 2 || future.last;
    const now = this.now();
    const years = Math.max(1 / 365, (etMs(option.expiration, 16) - now) / (365 * DAY_MS));
    const moneyness = Math.log(option.strike / spot);
    const volatility = product.volatility * (1 + 1.5 * moneyness * moneyness - (product.index ? 0.6 * moneyness : 0));
    const value = blackScholes({ call: option.call, spot, strike: option.strike, years, rate: RATE, dividendYield: RATE, volatility }).price;
    const half = Math.max(tick, value * 0.01);
    const bid = Math.max(0, onTick(value - half, tick, 'floor'));
    const ask = Math.max(tick, onTick(value + half, tick, 'ceil'));
    const last = onTick(value, tick);
    const close = onTick(value * (1 + 0.08 * (hashUnit(this.seed, 'foclose', key, etDateOf(now)) - 0.5)), tick);
    const volume = Math.round(40 + 900 * hashUnit(this.seed, 'fovol', key, etDateOf(now)));
    const openInterest = Math.round(100 + 5000 * hashUnit(this.seed, 'fooi', key));
    const style = WEEKLY_OPTION_ROOTS.has(option.root) ? 'Weeklys' : 'Monthly';
    const values = [
      bid, ask, last, this.prng.int(1, 40), this.prng.int(1, 40), UNKNOWN_ID_CODE, UNKNOWN_ID_CODE, volume, this.prng.int(1, 10),
      future.quoteTime, future.tradeTime, Math.max(last, close), Math.min(last, close), close, UNKNOWN_ID_CODE,
      product.options.description, close, openInterest, onTick((bid + ask) / 2, tick), tick,
      Number((tick * product.multiplier).toFixed(6)), product.multiplier, close, option.underlying.symbol, option.strike,
      etMs(option.expiration, 0), style, option.call ? 'C' : 'P', 'Normal', '@', product.mic,
    ];
    return new Map(values.map((v, index) => [index + 1, v]));
  }
}

export const FUTURES_META: SnapshotMeta = { delayed: false, assetMainType: 'FUTURE' };
export const FUTURES_OPTION_META: SnapshotMeta = { delayed: false, assetMainType: 'FUTURE_OPTION' };
