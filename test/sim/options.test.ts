import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { blackScholes, impliedVolatility } from '../../src/sim/black-scholes.js';
import { InstrumentTable } from '../../src/sim/instruments.js';
import { Market } from '../../src/sim/market.js';
import { OptionBook, occSymbol, optionDescription, parseOcc } from '../../src/sim/options.js';

function bookAt(iso: string): OptionBook {
  const now = Date.parse(iso);
  const market = new Market(1, new InstrumentTable(['AAPL', 'SPY', '$SPX']), () => now);
  return new OptionBook(1, market, ['AAPL', 'SPY', '$SPX']);
}

describe('simulated options', () => {
  it('formats and parses 21-character OCC symbols by position', () => {
    expect(occSymbol('AAPL', '2024-10-18', true, 5)).toBe('AAPL  241018C00005000');
    expect(occSymbol('GOOGL', '2025-12-12', true, 315)).toBe('GOOGL 251212C00315000');
    expect(occSymbol('SPXW', '2025-12-08', true, 6880)).toBe('SPXW  251208C06880000');
    expect(occSymbol('AAPL', '2024-10-18', false, 267.5)).toBe('AAPL  241018P00267500');
    expect(parseOcc('GOOGL 251212C00315000')).toEqual({ root: 'GOOGL', date: '2025-12-12', call: true, strike: 315 });
    expect(parseOcc('F     240517P00012500')).toEqual({ root: 'F', date: '2024-05-17', call: false, strike: 12.5 });
    expect(parseOcc('AAPL 241018C00005000')).toBeUndefined();
    expect(parseOcc('AAPL_101724C265')).toBeUndefined();
    expect(optionDescription('AAPL', '2024-10-18', true, 5)).toBe('AAPL 10/18/2024 5.00 C');
  });

  it('lists the expirations of the real AAPL expiration chain of 2024-05-17, types and holiday shifts included', () => {
    const real = JSON.parse(readFileSync(new URL('../fixtures/samples/rest-expirationchain-AAPL-2024-05-17.json', import.meta.url), 'utf8')) as {
      expirationList: Array<{ expirationDate: string; expirationType: string }>;
    };
    const listed = bookAt('2024-05-17T14:00:00Z').expirations('AAPL').map((e) => [e.date, e.type]);
    expect(listed).toEqual(real.expirationList.map((e) => [e.expirationDate, e.expirationType]));
  });

  it('lists SPX monthlies AM-settled beside PM-settled SPXW dailies, with quarterly and end-of-month expirations', () => {
    const list = bookAt('2024-05-17T14:00:00Z').expirations('$SPX');
    const june21 = list.filter((e) => e.date === '2024-06-21');
    expect(june21.map((e) => [e.root, e.settlement, e.type])).toEqual([['SPX', 'A', 'S'], ['SPXW', 'P', 'W']]);
    expect(list.find((e) => e.date === '2024-05-20')).toMatchObject({ root: 'SPXW', type: 'W' });
    expect(list.find((e) => e.date === '2024-05-31')).toMatchObject({ root: 'SPXW', type: 'M' });
    expect(list.find((e) => e.date === '2024-09-30')).toMatchObject({ root: 'SPXW', type: 'Q' });
  });

  it('resolves only contracts it lists', () => {
    const book = bookAt('2024-05-17T14:00:00Z');
    expect(book.resolve('AAPL  240621C00190000')?.expiration.type).toBe('S');
    expect(book.resolve('SPXW  240520P05300000')?.underlying).toBe('$SPX');
    expect(book.resolve('AAPL  240622C00190000')).toBeUndefined();
    expect(book.resolve('AAPL  240621C00190100')).toBeUndefined();
    expect(book.resolve('MSFT  240621C00400000')).toBeUndefined();
  });

  it('prices with Black–Scholes consistently: put–call parity, greek signs and an implied volatility that round-trips', () => {
    const inputs = { spot: 100, strike: 105, years: 0.25, rate: 0.045, dividendYield: 0.01, volatility: 0.3 };
    const call = blackScholes({ ...inputs, call: true });
    const put = blackScholes({ ...inputs, call: false });
    const parity = 100 * Math.exp(-0.01 * 0.25) - 105 * Math.exp(-0.045 * 0.25);
    expect(call.price - put.price).toBeCloseTo(parity, 6);
    expect(call.delta - put.delta).toBeCloseTo(Math.exp(-0.01 * 0.25), 6);
    expect(call.gamma).toBeCloseTo(put.gamma, 10);
    expect(call.vega).toBeGreaterThan(0);
    expect(call.theta).toBeLessThan(0);
    expect(impliedVolatility(call.price, { ...inputs, call: true })).toBeCloseTo(0.3, 6);
    expect(impliedVolatility(0.001, { ...inputs, strike: 50, call: true })).toBeUndefined();
  });

  it('quotes contracts with bid ≤ mark ≤ ask, the model greeks and the no-bid sentinel', () => {
    const book = bookAt('2024-05-15T15:00:00Z');
    const [expiration] = book.expirations('AAPL');
    if (expiration === undefined) throw new Error('no expiration');
    const atm = book.quote(book.contract('AAPL', expiration, true, 190));
    expect(atm.bid).toBeGreaterThan(0);
    expect(atm.bid).toBeLessThanOrEqual(atm.mark);
    expect(atm.mark).toBeLessThanOrEqual(atm.ask);
    expect(atm.greeks.delta).toBeGreaterThan(0);
    expect(atm.greeks.delta).toBeLessThan(1);
    const far = book.quote(book.contract('AAPL', expiration, true, 400));
    expect(far.bid).toBe(0);
    expect(far.volatility).toBe(-999);
    expect(far.greeks.delta).toBe(-999);
  });
});
