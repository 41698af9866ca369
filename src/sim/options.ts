// Listed options: expirations (weekly W, standard S, quarterly Q, end-of-month M, LEAPS), strikes, OCC symbols,
// and a live quote per contract priced with Black–Scholes off the underlying's live price. Chains (REST) and
// LEVELONE_OPTIONS (stream) both read contracts from here, so they agree.
import { blackScholes, impliedVolatility, type OptionValue } from './black-scholes.js';
import {
  DAY_MS, MINUTE_MS, addDays, currentSessionDay, daysBetween, etDateOf, etMs, isRegularSession, isTradingDay,
  previousTradingDay, sessionTimes, weekday, type IsoDate,
} from './calendar.js';
import type { Instrument } from './instruments.js';
import { round2, type Market } from './market.js';
import { Prng, hashUnit } from './prng.js';

export type ExpirationType = 'W' | 'S' | 'Q' | 'M';

export interface Expiration {
  date: IsoDate;
  type: ExpirationType;
  root: string;
  settlement: 'A' | 'P';
}

export interface Contract {
  symbol: string; // 21-char OCC
  underlying: string;
  root: string;
  expiration: Expiration;
  call: boolean;
  strike: number;
  exercise: 'A' | 'E';
}

/** Per-contract trading state: the parts of a quote that are not a function of the underlying's price. */
interface Tape {
  volume: number;
  openInterest: number;
  last: number;
  lastSize: number;
  tradeTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  high52: number;
  low52: number;
  bidSize: number;
  askSize: number;
  quoteTime: number;
  spreadFactor: number;
}

/** A contract's quote at one moment, in the units chains and level-one fields use. */
export interface OptionQuote {
  contract: Contract;
  instrument: Instrument;
  spot: number;
  daysToExpiration: number;
  bid: number;
  ask: number;
  /** Unrounded mid, as Schwab's timeValue uses it. */
  mid: number;
  mark: number;
  last: number;
  bidSize: number;
  askSize: number;
  lastSize: number;
  open: number;
  high: number;
  low: number;
  close: number;
  high52: number;
  low52: number;
  volume: number;
  openInterest: number;
  quoteTime: number;
  tradeTime: number;
  /** Implied volatility in percent; -999 when the contract cannot be priced (no bid); NaN when no volatility fits. */
  volatility: number;
  /** Greeks at the contract's model volatility; all -999 with the sentinel. */
  greeks: OptionValue;
  theoreticalValue: number;
  theoreticalVolatility: number;
  intrinsic: number;
  lastTradingDay: number;
  pennyPilot: boolean;
}

/** Schwab's "cannot price" sentinel. */
export const SENTINEL = -999;
/** Chains' interestRate (percent) and the rate the model uses. */
export const INTEREST_RATE_PERCENT = 4.25;
const PENNY_PILOT = new Set(['AAPL', 'SPY', 'QQQ', 'IWM', 'AMD', 'NVDA', 'TSLA', 'MSFT', 'AMZN', 'META', '$SPX']);

export function occSymbol(root: string, date: IsoDate, call: boolean, strike: number): string {
  const yymmdd = date.slice(2).replaceAll('-', '');
  return `${root.padEnd(6)}${yymmdd}${call ? 'C' : 'P'}${String(Math.round(strike * 1000)).padStart(8, '0')}`;
}

export interface ParsedOcc {
  root: string;
  date: IsoDate;
  call: boolean;
  strike: number;
}

/** Parses by position (schwab-protocol.md §5); undefined unless the layout is exact. */
export function parseOcc(symbol: string): ParsedOcc | undefined {
  const match = /^([A-Z0-9]{1,6}) *(\d{2})(\d{2})(\d{2})([CP])(\d{8})$/.exec(symbol);
  if (symbol.length !== 21 || match === null) return undefined;
  const [, root = '', yy, mm, dd, kind, strike] = match;
  if (symbol.slice(0, 6).trimEnd() !== root) return undefined;
  return { root, date: `20${yy}-${mm}-${dd}`, call: kind === 'C', strike: Number(strike) / 1000 };
}

/** "AAPL 10/18/2024 5.00 C" */
export function optionDescription(root: string, date: IsoDate, call: boolean, strike: number): string {
  const [year, month, day] = date.split('-');
  return `${root} ${month}/${day}/${year} ${strike.toFixed(2)} ${call ? 'C' : 'P'}`;
}

function thirdFriday(year: number, month: number): IsoDate {
  let date = `${year}-${String(month).padStart(2, '0')}-01`;
  while (weekday(date) !== 5) date = addDays(date, 1);
  return addDays(date, 14);
}

function lastTradingDayOfMonth(year: number, month: number): IsoDate {
  const next = month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
  return previousTradingDay(next);
}

/** Expiries move to the previous trading day when they fall on a holiday (2026-06-19 → 2026-06-18). */
function onTradingDay(date: IsoDate): IsoDate {
  return isTradingDay(date) ? date : previousTradingDay(date);
}

export class OptionBook {
  private readonly tapes = new Map<string, Tape>();
  private readonly prng: Prng;
  private readonly expirationCache = new Map<string, Expiration[]>();

  constructor(
    private readonly seed: number,
    private readonly market: Market,
    readonly underlyings: readonly string[],
  ) {
    this.prng = new Prng(seed + 7);
  }

  private now(): number {
    return this.market.clock();
  }

  isUnderlying(symbol: string): boolean {
    return this.underlyings.includes(symbol) && this.market.instrument(symbol) !== undefined;
  }

  /** Roots of an underlying: `$SPX` lists SPX (AM-settled monthlies, LEAPS) and SPXW (PM-settled). */
  roots(underlying: string): { standard: string; weekly: string } {
    if (underlying === '$SPX') return { standard: 'SPX', weekly: 'SPXW' };
    return { standard: underlying, weekly: underlying };
  }

  underlyingOfRoot(root: string): string | undefined {
    if (root === 'SPX' || root === 'SPXW') return this.underlyings.includes('$SPX') ? '$SPX' : undefined;
    return this.underlyings.includes(root) ? root : undefined;
  }

  /** Listed expirations from today on, sorted by date then root. */
  expirations(underlying: string): Expiration[] {
    const today = etDateOf(this.now());
    const cacheKey = `${underlying}|${today}`;
    const cached = this.expirationCache.get(cacheKey);
    if (cached !== undefined) return cached;
    const { standard, weekly } = this.roots(underlying);
    const index = underlying === '$SPX';
    const daily = index || underlying === 'SPY' || underlying === 'QQQ';
    const byKey = new Map<string, Expiration>();
    const rank: Record<ExpirationType, number> = { S: 3, Q: 2, M: 1, W: 0 };
    const add = (date: IsoDate, type: ExpirationType, root: string, settlement: 'A' | 'P'): void => {
      if (date < today) return;
      const key = `${date}|${root}`;
      const existing = byKey.get(key);
      if (existing === undefined || rank[type] > rank[existing.type]) byKey.set(key, { date, type, root, settlement });
    };
    const [year, month] = today.split('-').map(Number) as [number, number];
    const quarterEnds = new Set<IsoDate>();
    const monthEnds = new Set<IsoDate>();
    const thirdFridays = new Set<IsoDate>();
    for (let i = 0; i < 12; i++) {
      const m = ((month - 1 + i) % 12) + 1;
      const y = year + Math.floor((month - 1 + i) / 12);
      const end = lastTradingDayOfMonth(y, m);
      (m % 3 === 0 ? quarterEnds : monthEnds).add(end);
      thirdFridays.add(onTradingDay(thirdFriday(y, m)));
    }
    // Weeklies (dailies for SPY, QQQ and $SPX) for six weeks.
    for (let date = today; date <= addDays(today, 42); date = addDays(date, 1)) {
      if (!isTradingDay(date)) continue;
      const friday = weekday(date) === 5 || (weekday(date) === 4 && !isTradingDay(addDays(date, 1)));
      if (!daily && !friday) continue;
      const type: ExpirationType = thirdFridays.has(date) && !index ? 'S' : quarterEnds.has(date) ? 'Q'
        : monthEnds.has(date) && daily ? 'M' : 'W';
      add(date, type, weekly, 'P');
    }
    // Standard monthlies for nine months, then the March/June/September/December cycle out to 19 months, then
    // LEAPS in January of the next two years and June/December of the second (the pattern of real AAPL lists).
    const settlement = index ? 'A' : 'P';
    for (let i = 0; i < 20; i++) {
      const m = ((month - 1 + i) % 12) + 1;
      const y = year + Math.floor((month - 1 + i) / 12);
      if (i < 9 || m % 3 === 0) add(onTradingDay(thirdFriday(y, m)), 'S', standard, settlement);
    }
    for (const [ly, lm] of [[year + 1, 1], [year + 2, 1], [year + 2, 6], [year + 2, 12]] as const) {
      add(onTradingDay(thirdFriday(ly, lm)), 'S', standard, settlement);
    }
    // Quarterlies and end-of-month expirations beyond the weekly window exist for the index and index ETFs only.
    if (daily) {
      for (const date of quarterEnds) add(date, 'Q', weekly, 'P');
      for (const date of [...monthEnds].slice(0, 3)) add(date, 'M', weekly, 'P');
    }
    const list = [...byKey.values()].sort((a, b) => a.date.localeCompare(b.date) || a.root.localeCompare(b.root));
    this.expirationCache.set(cacheKey, list);
    return list;
  }

  /**
   * Strikes listed around a spot: the fine step within 10 %, twice the step out to 30 %, and a sparse tail of deep
   * in-the-money and far out-of-the-money strikes (where Schwab's IVs run into the thousands or go -999).
   */
  strikes(underlying: string, spot: number): number[] {
    const step = this.market.instrument(underlying)?.strikeStep ?? 1;
    const wide = Math.max(5, 8 * step);
    const out = new Set<number>();
    for (let strike = wide / 4; strike < wide; strike = round2(strike + wide / 4)) out.add(strike);
    for (let strike = wide; strike < spot * 0.7; strike = round2(strike + wide)) out.add(strike);
    const low = Math.max(step, Math.floor((spot * 0.7) / (2 * step)) * 2 * step);
    for (let strike = low; strike <= spot * 1.3; strike = round2(strike + step)) {
      const near = Math.abs(strike - spot) <= spot * 0.1;
      if (near || Math.round(strike / step) % 2 === 0) out.add(strike);
    }
    for (let strike = Math.ceil((spot * 1.3) / wide) * wide; strike <= spot * 1.8; strike = round2(strike + wide)) out.add(strike);
    return [...out].sort((a, b) => a - b);
  }

  contract(underlying: string, expiration: Expiration, call: boolean, strike: number): Contract {
    return {
      symbol: occSymbol(expiration.root, expiration.date, call, strike),
      underlying, root: expiration.root, expiration, call, strike, exercise: underlying.startsWith('$') ? 'E' : 'A',
    };
  }

  /** The contract of an OCC symbol if this simulator lists it (known root, listed expiry, strike on the grid). */
  resolve(symbol: string): Contract | undefined {
    const parsed = parseOcc(symbol);
    if (parsed === undefined) return undefined;
    const underlying = this.underlyingOfRoot(parsed.root);
    if (underlying === undefined) return undefined;
    const expiration = this.expirations(underlying).find((e) => e.date === parsed.date && e.root === parsed.root);
    const step = this.market.instrument(underlying)?.strikeStep ?? 1;
    const onGrid = Math.abs(parsed.strike / step - Math.round(parsed.strike / step)) < 1e-9;
    if (expiration === undefined || !onGrid || parsed.strike <= 0) return undefined;
    return this.contract(underlying, expiration, parsed.call, parsed.strike);
  }

  private years(contract: Contract, at: number): number {
    return Math.max(MINUTE_MS, etMs(contract.expiration.date, 16) - at) / (365 * DAY_MS);
  }

  private modelVolatility(instrument: Instrument, spot: number, strike: number): number {
    const m = Math.log(strike / spot);
    return Math.min(4 * instrument.volatility, Math.max(0.5 * instrument.volatility, instrument.volatility * (1 - 0.6 * m + 2.5 * m * m)));
  }

  private value(contract: Contract, instrument: Instrument, spot: number, at: number, volatility?: number): OptionValue {
    return blackScholes({
      call: contract.call, spot, strike: contract.strike, years: this.years(contract, at),
      rate: INTEREST_RATE_PERCENT / 100, dividendYield: instrument.annualDividend / Math.max(spot, 0.01),
      volatility: volatility ?? this.modelVolatility(instrument, spot, contract.strike),
    });
  }

  private tape(contract: Contract, instrument: Instrument): Tape {
    const existing = this.tapes.get(contract.symbol);
    if (existing !== undefined) return existing;
    const now = this.now();
    const h = (salt: string): number => hashUnit(this.seed, salt, contract.symbol);
    const spot = this.market.last(contract.underlying);
    const moneyness = Math.abs(Math.log(contract.strike / spot));
    const liquidity = Math.exp(-moneyness * 12);
    const openInterest = Math.round(h('oi') * 20_000 * liquidity);
    // Options trade in the regular session only: today's if it has begun, else the last trade is the previous session's.
    const sessionDay = currentSessionDay(now);
    const session = sessionTimes(sessionDay);
    const closeDay = previousTradingDay(sessionDay);
    const previousClose = sessionTimes(closeDay).regularEnd;
    const closeValue = this.value(contract, instrument, this.market.pathPrice(contract.underlying, previousClose), previousClose).price;
    const tradingToday = now > session.regularStart;
    const windowStart = tradingToday ? session.regularStart : sessionTimes(closeDay).regularStart;
    const windowEnd = tradingToday ? Math.min(now, session.regularEnd) : previousClose;
    const traded = h('traded') < 0.25 + 0.7 * liquidity;
    const tradeTime = traded ? Math.round(windowEnd - h('tt') * (windowEnd - windowStart)) : 0;
    const lastValue = traded ? this.value(contract, instrument, this.market.pathPrice(contract.underlying, tradeTime), tradeTime).price : 0;
    const last = traded ? Math.max(0.01, round2(lastValue)) : 0;
    const elapsed = tradingToday ? (windowEnd - windowStart) / (session.regularEnd - session.regularStart) : 0;
    const volume = traded && tradingToday ? Math.round(h('volume') * 5_000 * liquidity * elapsed) + 1 : 0;
    const today = volume > 0;
    const tape: Tape = {
      volume, openInterest, last, lastSize: traded ? 1 + Math.floor(h('ls') * 20) : 0, tradeTime,
      open: today ? round2(last * (0.97 + 0.06 * h('open'))) : 0,
      high: today ? round2(last * (1 + 0.05 * h('high'))) : 0,
      low: today ? round2(last * (1 - 0.05 * h('low'))) : 0,
      close: Math.max(0, round2(closeValue)),
      high52: traded ? round2(Math.max(last, closeValue) * (1.2 + h('h52'))) : 0,
      low52: traded ? round2(Math.min(last, closeValue) * (0.3 + 0.5 * h('l52'))) : 0,
      bidSize: 1 + Math.floor(h('bs') * 100 * liquidity), askSize: 1 + Math.floor(h('as') * 100 * liquidity),
      quoteTime: now, spreadFactor: 0.8 + 0.4 * h('spread'),
    };
    this.tapes.set(contract.symbol, tape);
    return tape;
  }

  /** The contract's quote now, at the underlying's live price. */
  quote(contract: Contract): OptionQuote {
    const instrument = this.market.instrument(contract.underlying);
    if (instrument === undefined) throw new Error(`no instrument for ${contract.underlying}`);
    const now = this.now();
    const tape = this.tape(contract, instrument);
    const spot = this.market.last(contract.underlying);
    const model = this.value(contract, instrument, spot, now);
    const price = model.price;
    const index = contract.underlying.startsWith('$');
    const pennyPilot = PENNY_PILOT.has(contract.underlying);
    const tick = price < 3 ? (pennyPilot ? 0.01 : 0.05) : index ? 0.1 : 0.05;
    const halfSpread = Math.max(tick, price * 0.007 * tape.spreadFactor);
    // Deep in-the-money books are wide and lean up: their mid sits above intrinsic value, which is why Schwab's
    // IVs for them run into the hundreds and thousands while the greeks (model volatility) say delta 1.
    const deep = Math.abs(Math.log(spot / contract.strike)) > 0.2 && (contract.call ? spot > contract.strike : spot < contract.strike);
    let bid = Math.floor((price - halfSpread * (deep ? 0.6 : 1)) / tick) * tick;
    let ask = Math.ceil((price + halfSpread * (deep ? 1.6 : 1)) / tick) * tick;
    if (bid < tick / 2) bid = 0;
    ask = Math.max(ask, tick);
    bid = round2(bid);
    ask = round2(ask);
    const mid = (bid + ask) / 2;
    const mark = round2(mid);
    const years = this.years(contract, now);
    const intrinsic = Math.max(0, contract.call ? spot - contract.strike : contract.strike - spot);
    const dividendYield = instrument.annualDividend / Math.max(spot, 0.01);
    const theoretical = this.value(contract, instrument, spot, now, instrument.volatility);
    let volatility: number;
    // American exercise: a contract is never worth less than exercising it now, so time never adds value.
    let greeks: OptionValue = contract.exercise === 'A' ? { ...model, theta: Math.min(0, model.theta) } : model;
    if (bid === 0) {
      volatility = SENTINEL;
      greeks = { price: model.price, delta: SENTINEL, gamma: SENTINEL, theta: SENTINEL, vega: SENTINEL, rho: SENTINEL };
    } else {
      const implied = impliedVolatility(mid, {
        call: contract.call, spot, strike: contract.strike, years, rate: INTEREST_RATE_PERCENT / 100, dividendYield,
      }, this.modelVolatility(instrument, spot, contract.strike));
      volatility = implied === undefined ? Number.NaN : implied * 100;
    }
    return {
      contract, instrument, spot, daysToExpiration: daysBetween(etDateOf(now), contract.expiration.date),
      bid, ask, mid, mark, last: tape.last, bidSize: bid === 0 ? 0 : tape.bidSize, askSize: tape.askSize,
      lastSize: tape.lastSize, open: tape.open, high: tape.high, low: tape.low, close: tape.close,
      high52: tape.high52, low52: tape.low52, volume: tape.volume, openInterest: tape.openInterest,
      quoteTime: tape.quoteTime, tradeTime: tape.tradeTime, volatility, greeks,
      theoreticalValue: theoretical.price, theoreticalVolatility: instrument.volatility * 100,
      intrinsic, lastTradingDay: etMs(contract.expiration.date, 20), pennyPilot,
    };
  }

  /** One random step: the underlying moves, and the contract's book changes or it trades. */
  step(contract: Contract): OptionQuote {
    const instrument = this.market.instrument(contract.underlying);
    if (instrument === undefined) throw new Error(`no instrument for ${contract.underlying}`);
    this.market.step(contract.underlying);
    const tape = this.tape(contract, instrument);
    const now = this.now();
    if (!isRegularSession(now) || this.prng.chance(0.7)) {
      tape.bidSize = this.prng.int(1, 150);
      tape.askSize = this.prng.int(1, 150);
      tape.spreadFactor = 0.8 + 0.4 * this.prng.next();
      tape.quoteTime = now;
      return this.quote(contract);
    }
    const before = this.quote(contract);
    if (before.ask <= 0) return before;
    const price = round2(Math.max(0.01, before.bid + this.prng.next() * (before.ask - before.bid)));
    const size = this.prng.int(1, 25);
    tape.last = price;
    tape.lastSize = size;
    tape.volume += size;
    tape.tradeTime = now;
    tape.quoteTime = now;
    tape.open = tape.open === 0 ? price : tape.open;
    tape.high = Math.max(tape.high, price);
    tape.low = tape.low === 0 ? price : Math.min(tape.low, price);
    tape.high52 = Math.max(tape.high52, price);
    tape.low52 = tape.low52 === 0 ? price : Math.min(tape.low52, price);
    return this.quote(contract);
  }
}
