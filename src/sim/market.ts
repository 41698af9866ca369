// Prices. Every symbol has a deterministic price path (value noise in log space, seeded by the simulator seed
// and the symbol), so a candle, a chart bar or a 52-week high is the same whenever it is asked for. Live quotes
// are a seeded random walk pulled towards that path, stepped once per level-one update.
import {
  DAY_MS, MINUTE_MS, currentSessionDay, etDateOf, isRegularSession, isTradingDay, previousTradingDay, sessionTimes,
  type IsoDate,
} from './calendar.js';
import type { Instrument, InstrumentTable } from './instruments.js';
import { Prng, hash32, hashUnit, mixUnit } from './prng.js';

export interface Candle {
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  datetime: number;
}

/** The live state of one equity or index quote: what level-one fields and REST quotes are built from. */
export interface EquityQuote {
  bid: number;
  ask: number;
  last: number;
  bidSize: number;
  askSize: number;
  bidId: string;
  askId: string;
  lastId: string;
  bidMic: string;
  askMic: string;
  lastMic: string;
  totalVolume: number;
  lastSize: number;
  high: number;
  low: number;
  open: number;
  close: number;
  high52: number;
  low52: number;
  quoteTime: number;
  tradeTime: number;
  bidTime: number;
  askTime: number;
  regularLast: number;
  regularLastSize: number;
  regularTradeTime: number;
  hardToBorrowQuantity: number;
}

const OCTAVE_PERIODS_MS = [1, 4, 15, 60, 240, 1440, 5760, 23040, 92160, 368640].map((minutes) => minutes * MINUTE_MS);
const VENUES = [['Q', 'XNAS'], ['P', 'ARCX'], ['Z', 'BATS'], ['K', 'EDGX'], ['N', 'XNYS'], ['V', 'IEXG'],
  ['H', 'MEMX'], ['B', 'XBOS'], ['D', 'TRFC'], ['U', 'XADF']] as const;

export const round2 = (value: number): number => Math.round(value * 100) / 100;
export const round4 = (value: number): number => Math.round(value * 10_000) / 10_000;

export class Market {
  private readonly quotes = new Map<string, EquityQuote>();
  private readonly prng: Prng;

  constructor(
    private readonly seed: number,
    readonly instruments: InstrumentTable,
    private readonly now: () => number = Date.now,
  ) {
    this.prng = new Prng(seed);
  }

  instrument(symbol: string): Instrument | undefined {
    return this.instruments.get(symbol);
  }

  /** The deterministic path price of a symbol at a time. */
  pathPrice(symbol: string, at: number): number {
    const instrument = this.instruments.get(symbol);
    if (instrument === undefined) return 0;
    return this.path(symbol, instrument.basePrice, instrument.volatility, at);
  }

  /** The deterministic path of any named series (futures, currencies) around `basePrice` at an annual volatility. */
  path(name: string, basePrice: number, volatility: number, at: number): number {
    const dailyVol = volatility / Math.sqrt(252);
    let logReturn = 0;
    OCTAVE_PERIODS_MS.forEach((period, octave) => {
      const amplitude = 1.4 * dailyVol * Math.sqrt(Math.min(period, 64 * DAY_MS) / DAY_MS);
      logReturn += amplitude * this.noise(name, octave, at / period);
    });
    return basePrice * Math.exp(logReturn);
  }

  private noise(symbol: string, octave: number, x: number): number {
    const key = this.octaveKey(symbol, octave);
    const i = Math.floor(x);
    const f = x - i;
    const smooth = f * f * (3 - 2 * f);
    const a = mixUnit(key, i) * 2 - 1;
    const b = mixUnit(key, i + 1) * 2 - 1;
    return a + (b - a) * smooth;
  }

  private readonly octaveKeys = new Map<string, number>();

  private octaveKey(symbol: string, octave: number): number {
    const id = `${symbol}|${octave}`;
    let key = this.octaveKeys.get(id);
    if (key === undefined) this.octaveKeys.set(id, (key = hash32(this.seed, 'path', symbol, octave)));
    return key;
  }

  /**
   * The trades of one minute as a candle, or undefined when nothing traded (Schwab leaves such minutes out).
   * Deterministic, so REST minute candles and CHART_EQUITY bars of the same minute agree.
   */
  minuteCandle(symbol: string, start: number, allowMissing = true): Candle | undefined {
    const instrument = this.instruments.get(symbol);
    if (instrument === undefined) return undefined;
    const regular = isRegularSession(start);
    if (allowMissing && hashUnit(this.seed, 'gap', symbol, start) < (regular ? 0.005 : 0.3)) return undefined;
    const points = [0, 0.2, 0.45, 0.7, 1].map((fraction) => this.pathPrice(symbol, start + fraction * (MINUTE_MS - 1)));
    const open = round2(points[0] ?? 0);
    const close = round2(points[points.length - 1] ?? 0);
    const wiggle = instrument.basePrice * 0.0002 * hashUnit(this.seed, 'wiggle', symbol, start);
    const high = round2(Math.max(...points) + wiggle);
    const low = round2(Math.min(...points) - wiggle);
    const perMinute = instrument.averageVolume / 390;
    const shape = regular ? 1 : 0.04;
    const volume = Math.max(1, Math.round(perMinute * shape * (0.3 + 1.4 * hashUnit(this.seed, 'vol', symbol, start))));
    return { open, high, low, close, volume, datetime: start };
  }

  /** A regular-session day candle stamped at `stamp` (00:00 US/Central of the day). */
  dayCandle(symbol: string, date: IsoDate, stamp: number): Candle | undefined {
    const instrument = this.instruments.get(symbol);
    if (instrument === undefined || !isTradingDay(date)) return undefined;
    const session = sessionTimes(date);
    const end = Math.min(session.regularEnd, this.now());
    if (end <= session.regularStart) return undefined;
    const samples: number[] = [];
    for (let t = session.regularStart; t < end; t += 15 * MINUTE_MS) samples.push(this.pathPrice(symbol, t));
    samples.push(this.pathPrice(symbol, end));
    const elapsed = (end - session.regularStart) / (session.regularEnd - session.regularStart);
    const volume = Math.round(instrument.averageVolume * elapsed * (0.6 + 0.8 * hashUnit(this.seed, 'dvol', symbol, date)));
    return {
      open: round2(samples[0] ?? 0),
      high: round2(Math.max(...samples)),
      low: round2(Math.min(...samples)),
      close: round2(samples[samples.length - 1] ?? 0),
      volume,
      datetime: stamp,
    };
  }

  /** Official close of a trading day. */
  closeOf(symbol: string, date: IsoDate): number {
    return round2(this.pathPrice(symbol, sessionTimes(date).regularEnd));
  }

  /** The live quote, created on first use from the path. */
  quote(symbol: string): EquityQuote | undefined {
    const existing = this.quotes.get(symbol);
    if (existing !== undefined) return existing;
    const instrument = this.instruments.get(symbol);
    if (instrument === undefined) return undefined;
    const created = this.createQuote(instrument);
    this.quotes.set(symbol, created);
    return created;
  }

  private createQuote(instrument: Instrument): EquityQuote {
    const now = this.now();
    const { symbol } = instrument;
    const sessionDay = currentSessionDay(now);
    const session = sessionTimes(sessionDay);
    const previousClose = this.closeOf(symbol, previousTradingDay(sessionDay));
    const started = now >= session.regularStart;
    const day = started ? this.dayCandle(symbol, sessionDay, 0) : undefined;
    const last = round2(this.pathPrice(symbol, now));
    const index = instrument.assetMainType === 'INDEX';
    let high52 = 0;
    let low52 = Number.POSITIVE_INFINITY;
    let date = sessionDay;
    for (let i = 0; i < 252; i++) {
      const close = this.closeOf(symbol, date);
      high52 = Math.max(high52, close);
      low52 = Math.min(low52, close);
      date = previousTradingDay(date);
    }
    const regularLast = day?.close ?? previousClose;
    const quote: EquityQuote = {
      bid: index ? 0 : round2(last - 0.01), ask: index ? 0 : round2(last + 0.01), last,
      bidSize: index ? 0 : 300, askSize: index ? 0 : 200,
      bidId: 'Q', askId: 'P', lastId: 'Q', bidMic: 'XNAS', askMic: 'ARCX', lastMic: 'XNAS',
      totalVolume: day?.volume ?? 0, lastSize: index ? 0 : 100,
      high: day?.high ?? 0, low: day?.low ?? 0, open: day?.open ?? 0,
      close: previousClose,
      high52: round2(Math.max(high52, day?.high ?? 0)), low52: round2(Math.min(low52, day?.low ?? low52)),
      quoteTime: now, tradeTime: now, bidTime: now, askTime: now,
      regularLast, regularLastSize: index ? 0 : 100, regularTradeTime: Math.min(now, session.regularEnd),
      hardToBorrowQuantity: index ? -1 : Math.round(instrument.averageVolume * (1 + hashUnit(this.seed, 'htb', symbol))),
    };
    return quote;
  }

  /** One random-walk step of a symbol's quote: a quote change or a trade. */
  step(symbol: string): EquityQuote | undefined {
    const quote = this.quote(symbol);
    const instrument = this.instruments.get(symbol);
    if (quote === undefined || instrument === undefined) return undefined;
    const now = this.now();
    const target = this.pathPrice(symbol, now);
    const tickVol = quote.last * (instrument.volatility / Math.sqrt(252)) / 60;
    const mid = Math.max(0.01, quote.last + 0.05 * (target - quote.last) + tickVol * this.prng.normal());
    if (instrument.assetMainType === 'INDEX') {
      this.trade(quote, round2(mid), 0, now);
      return quote;
    }
    if (this.prng.chance(0.6)) {
      const spreadCents = this.prng.int(1, mid > 300 ? 6 : 3);
      quote.bid = round2(Math.floor(mid * 100 - spreadCents / 2) / 100);
      quote.ask = round2(quote.bid + spreadCents / 100);
      quote.bidSize = 100 * this.prng.int(1, 15);
      quote.askSize = 100 * this.prng.int(1, 15);
      const [bidId, bidMic] = this.prng.pick(VENUES);
      const [askId, askMic] = this.prng.pick(VENUES);
      Object.assign(quote, { bidId, bidMic, askId, askMic, quoteTime: now, bidTime: now, askTime: now });
    } else {
      const price = round2(quote.bid > 0 ? quote.bid + this.prng.next() * (quote.ask - quote.bid) : mid);
      const size = this.prng.chance(0.5) ? 100 * this.prng.int(1, 5) : this.prng.int(1, 99);
      const [lastId, lastMic] = this.prng.pick(VENUES);
      quote.lastId = lastId;
      quote.lastMic = lastMic;
      this.trade(quote, price, size, now);
    }
    return quote;
  }

  private trade(quote: EquityQuote, price: number, size: number, now: number): void {
    quote.last = price;
    quote.lastSize = size;
    quote.totalVolume += size === 0 ? this.prng.int(10_000, 90_000) : size;
    quote.tradeTime = now;
    quote.quoteTime = now;
    if (isRegularSession(now)) {
      // High, low and open are regular-session values (0 before the first regular trade).
      quote.high = quote.high === 0 ? price : Math.max(quote.high, price);
      quote.low = quote.low === 0 ? price : Math.min(quote.low, price);
      if (quote.open === 0) quote.open = price;
      quote.regularLast = price;
      quote.regularLastSize = size;
      quote.regularTradeTime = now;
    }
  }

  /** The current trade price (the walk's last), creating the quote if needed. */
  last(symbol: string): number {
    return this.quote(symbol)?.last ?? 0;
  }

  /** Next ex-dividend date for level-one field 26 and quotes: the 10th of the next quarter month. */
  nextDividendDate(symbol: string): IsoDate | undefined {
    const instrument = this.instruments.get(symbol);
    if (instrument === undefined || instrument.annualDividend === 0) return undefined;
    const now = etDateOf(this.now());
    const offset = hash32Month(symbol);
    let [year, month] = now.split('-').map(Number) as [number, number];
    for (;;) {
      if ((month - 1) % 3 === offset) {
        const candidate = `${year}-${String(month).padStart(2, '0')}-10`;
        if (candidate > now) return candidate;
      }
      month += 1;
      if (month > 12) {
        month = 1;
        year += 1;
      }
    }
  }


  clock(): number {
    return this.now();
  }
}

function hash32Month(symbol: string): number {
  return Math.floor(hashUnit('dividend-month', symbol) * 3);
}
