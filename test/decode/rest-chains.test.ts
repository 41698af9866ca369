import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CONTRACT_COLUMNS, decodeChain, decodeExpirationChain, fitsNumeric,
  type ChainRow, type ChainSnapshot, type ContractRow, type ExpirationsSnapshot,
} from '../../src/decode/rest/chains.js';
import type { RestDecodeResult } from '../../src/decode/rest/types.js';
import { trackedContracts } from '../../src/schwab/tracked-contracts.js';

// 2024-10-18 20:00:00.500Z = 16:00 ET, the sample's quoteTimeInLong.
const RECEIVED_AT = 1729281600500;
const CHAINS_PATH = '/marketdata/v1/chains?symbol=AAPL';

type Json = Record<string, unknown>;

function sample(file: string): Json {
  return JSON.parse(readFileSync(new URL(`../fixtures/samples/${file}`, import.meta.url), 'utf8')) as Json;
}

const chainSample = (): Json => sample('rest-chains-AAPL-2024-10-18-truncated.json');

function contractsOf(body: Json): Record<string, Record<string, Json[]>> {
  return body.callExpDateMap as Record<string, Record<string, Json[]>>;
}

/** The sample's 5.0 call (the 7805.668 IV contract), a fresh copy. */
function fiveCall(): Json {
  return structuredClone(contractsOf(chainSample())['2024-10-18:0']!['5.0']![0]!);
}

function chainOf(result: RestDecodeResult): ChainSnapshot {
  expect(result.snapshots).toHaveLength(1);
  expect(result.snapshots[0]?.kind).toBe('chain');
  return result.snapshots[0]!.data as ChainSnapshot;
}

function decode(body: unknown, receivedAt = RECEIVED_AT): RestDecodeResult {
  return decodeChain(body, { path: CHAINS_PATH, receivedAt });
}

function contract(snapshot: ChainSnapshot, symbol: string): ContractRow {
  const found = snapshot.contracts.find((c) => c.option_symbol === symbol);
  if (found === undefined) throw new Error(`no contract ${symbol}`);
  return found;
}

/** A body of one underlying with the given contracts under callExpDateMap / putExpDateMap keys. */
function body(calls: Record<string, Record<string, Json[]>>, puts: Record<string, Record<string, Json[]>> = {}): Json {
  return { ...chainSample(), callExpDateMap: calls, putExpDateMap: puts };
}

/** The 5.0 call moved to another expiration (key, symbol and expiry fields consistent). */
function callExpiring(date: string, dte: number, strike = 5): Json {
  const yymmdd = date.slice(2).replaceAll('-', '');
  return {
    ...fiveCall(), symbol: `AAPL  ${yymmdd}C${String(strike * 1000).padStart(8, '0')}`, strikePrice: strike,
    expirationDate: `${date}T20:00:00.000+00:00`, daysToExpiration: dte,
  };
}

// rest-chains-AAPL-2024-10-18-truncated.json, callExpDateMap["2024-10-18:0"]["5.0"][0], checked by hand.
const FIVE_CALL_ROW: ContractRow = {
  snapshot_datetime: RECEIVED_AT, underlying: 'AAPL', option_symbol: 'AAPL  241018C00005000', put_call: 'CALL',
  strike_price: 5, expiration_date: '2024-10-18', days_to_expiration: 0,
  bid_price: 228.65, ask_price: 231.95, last_price: 225.88, mark_price: 230.3, bid_size: 65, ask_size: 65, last_size: 0,
  high_price: 0, low_price: 0, open_price: 0, close_price: 227.16, total_volume: 0, open_interest: 0,
  volatility: 7805.668, delta: 1, gamma: 0, theta: -0, vega: 0, rho: 0,
  time_value: -4.12, intrinsic_value: 230, theoretical_option_value: 230, theoretical_volatility: 29,
  is_in_the_money: true, is_mini: false, is_non_standard: false, is_index_option: false, is_penny_pilot: true,
  expiration_type: 'S', multiplier: 100, settlement_type: 'P', deliverable_note: '100 AAPL', option_root: 'AAPL',
  data_quality_flags: null,
};

const CHAIN_ROW: ChainRow = {
  underlying_symbol: 'AAPL', expiration_date: '2024-10-18', snapshot_datetime: RECEIVED_AT, status: 'SUCCESS',
  strategy: 'SINGLE', underlying_price: 234.83, underlying_bid: null, underlying_ask: null, underlying_last: null,
  underlying_volume: null, underlying_change: null, underlying_percent_change: null, interest_rate: 4.738,
  implied_volatility: 29, is_delayed: false, is_index: false,
};

describe('decodeChain over the real AAPL sample', () => {
  it('fills every column of the 5.0 call: IV 7805.668 kept (NUMERIC(12,4)), expiration type S, strike from the contract', () => {
    const result = decode(chainSample());
    expect(result.rejects).toEqual([]);
    const row = contract(chainOf(result), 'AAPL  241018C00005000');
    expect(row).toEqual(FIVE_CALL_ROW);
    expect(Object.keys(row)).toEqual(CONTRACT_COLUMNS.map((c) => c.name));
  });

  it('makes one expiration and one chain for the expiration key, with the body-level market context', () => {
    const snapshot = chainOf(decode(chainSample()));
    expect(snapshot.underlying).toBe('AAPL');
    expect(snapshot.snapshotDatetime).toBe(RECEIVED_AT);
    expect(snapshot.expirations).toEqual([{
      underlying_symbol: 'AAPL', expiration_date: '2024-10-18', days_to_expiration: 0, expiration_type: 'S',
      is_standard: true, is_leap: false,
    }]);
    expect(snapshot.chains).toEqual([CHAIN_ROW]);
    expect(snapshot.contracts.map((c) => [c.strike_price, c.put_call])).toEqual([[5, 'CALL'], [10, 'CALL'], [15, 'CALL'], [20, 'CALL']]);
  });

  it('lists each contract\'s deliverables, the units as text', () => {
    const snapshot = chainOf(decode(chainSample()));
    expect(snapshot.deliverables).toHaveLength(4);
    expect(snapshot.deliverables[0]).toEqual({
      snapshot_datetime: RECEIVED_AT, underlying: 'AAPL', expiration_date: '2024-10-18', option_symbol: 'AAPL  241018C00005000',
      symbol: 'AAPL', asset_type: 'STOCK', deliverable_units: '100', currency_type: null,
    });
  });

  it('takes the underlying quote from the underlying object when the body has one', () => {
    const withQuote = {
      ...chainSample(), isDelayed: undefined,
      underlying: { symbol: 'AAPL', bid: 234.8, ask: 234.86, last: 234.83, mark: 234.83, totalVolume: 41_236_977, change: 2.09, percentChange: 0.9, delayed: true },
    };
    const [chain] = chainOf(decode(withQuote)).chains;
    expect(chain).toMatchObject({
      underlying_price: 234.83, underlying_bid: 234.8, underlying_ask: 234.86, underlying_last: 234.83,
      underlying_volume: 41_236_977, underlying_change: 2.09, underlying_percent_change: 0.9, is_delayed: true,
    });
  });
});

describe('decodeChain values', () => {
  it('decodes puts from putExpDateMap into the same expiration and chain as the calls', () => {
    const put = { ...fiveCall(), putCall: 'PUT', symbol: 'AAPL  241018P00005000', inTheMoney: false, bid: 0, ask: 0.01 };
    const snapshot = chainOf(decode(body(contractsOf(chainSample()), { '2024-10-18:0': { '5.0': [put] } })));
    expect(snapshot.expirations).toHaveLength(1);
    expect(snapshot.chains).toHaveLength(1);
    expect(contract(snapshot, 'AAPL  241018P00005000')).toMatchObject({
      put_call: 'PUT', strike_price: 5, expiration_date: '2024-10-18', is_in_the_money: false, bid_price: 0, ask_price: 0.01,
    });
    expect(snapshot.contracts.filter((c) => c.put_call === 'CALL')).toHaveLength(4);
  });

  it('stores NaN, "NaN" and -999 greeks as NULL and names them in data_quality_flags', () => {
    const odd = { ...fiveCall(), delta: -999.0, gamma: 'NaN', theta: Number.NaN, volatility: 'NaN', rho: -999 };
    const row = contract(chainOf(decode(body({ '2024-10-18:0': { '5.0': [odd] } }))), 'AAPL  241018C00005000');
    expect(row).toMatchObject({ volatility: null, delta: null, gamma: null, theta: null, rho: null, vega: 0 });
    expect(row.data_quality_flags).toEqual(['volatility', 'delta', 'gamma', 'theta', 'rho']);
  });

  it('stores a greek outside NUMERIC(8,6) as NULL with a flag, and keeps one just inside', () => {
    const odd = { ...fiveCall(), delta: 123.4, gamma: 99.9999996, vega: -99.999999, volatility: 123_456_789.5 };
    const row = contract(chainOf(decode(body({ '2024-10-18:0': { '5.0': [odd] } }))), 'AAPL  241018C00005000');
    expect(row).toMatchObject({ delta: null, gamma: null, vega: -99.999999, volatility: null });
    expect(row.data_quality_flags).toEqual(['volatility', 'delta', 'gamma']);
  });

  it('flags codes outside the CHECK lists, sizes past int4 and non-boolean flags', () => {
    const odd = { ...fiveCall(), expirationType: 'X', settlementType: 'Z', bidSize: 3e9, mini: 'no', optionRoot: 'TOOLONGROOT' };
    const row = contract(chainOf(decode(body({ '2024-10-18:0': { '5.0': [odd] } }))), 'AAPL  241018C00005000');
    expect(row).toMatchObject({ expiration_type: null, settlement_type: null, bid_size: null, is_mini: null, option_root: null });
    expect(row.data_quality_flags).toEqual(['bid_size', 'is_mini', 'expiration_type', 'settlement_type', 'option_root']);
  });

  it('does not flag fields Schwab did not send', () => {
    const sparse = { putCall: 'CALL', symbol: 'AAPL  241018C00005000', strikePrice: 5, expirationDate: '2024-10-18T20:00:00.000+00:00' };
    const row = contract(chainOf(decode(body({ '2024-10-18:0': { '5.0': [sparse] } }))), 'AAPL  241018C00005000');
    expect(row).toMatchObject({ bid_price: null, delta: null, days_to_expiration: 0, data_quality_flags: null, is_index_option: false });
  });

  it('rejects a malformed contract with its reason and raw JSON, and decodes the rest', () => {
    const calls = contractsOf(chainSample());
    const bad = { ...fiveCall(), putCall: 'XYZ' };
    const noSymbol = { ...fiveCall(), symbol: undefined, strikePrice: 5 };
    calls['2024-10-18:0']!['5.0'] = [bad, noSymbol];
    calls['2024-10-18:0']!['7.5'] = 'not a list' as unknown as Json[];
    const result = decode(body(calls));
    expect(result.rejects).toEqual([
      { table: 'options_contracts', reason: 'callExpDateMap["2024-10-18:0"]["5.0"][0]: putCall "XYZ" is not PUT or CALL', raw: JSON.stringify(bad) },
      { table: 'options_contracts', reason: 'callExpDateMap["2024-10-18:0"]["5.0"][1]: symbol is missing or longer than 50 characters', raw: JSON.stringify(noSymbol) },
      { table: 'options_contracts', reason: 'callExpDateMap["2024-10-18:0"]["7.5"] is not an array of contracts', raw: '"not a list"' },
    ]);
    expect(chainOf(result).contracts.map((c) => c.strike_price)).toEqual([10, 15, 20]);
  });

  it('rejects an expiration key it cannot parse, and a body that is not a chain', () => {
    const result = decode(body({ '2024-10-18': { '5.0': [fiveCall()] }, '2024-10-18:0': { '10.0': [callExpiring('2024-10-18', 0, 10)] } }));
    expect(result.rejects).toEqual([expect.objectContaining({ table: 'options_chains', reason: 'callExpDateMap["2024-10-18"]: expiration key is not YYYY-MM-DD:<days>' })]);
    expect(chainOf(result).contracts).toHaveLength(1);
    expect(decode([1, 2]).rejects).toEqual([{ table: 'options_chains', reason: 'chain body is not a JSON object', raw: '[1,2]' }]);
    expect(decode({ status: 'SUCCESS' }).rejects[0]?.reason).toBe('chain body has no symbol of 1 to 10 characters');
  });

  it('gives nothing to write for a FAILED chain without expirations', () => {
    const failed = { symbol: 'NOPE', status: 'FAILED', underlyingPrice: 0, callExpDateMap: {}, putExpDateMap: {} };
    expect(decode(failed)).toEqual({ rows: [], snapshots: [], rejects: [] });
  });

  it('takes days to expiration from the keys, which match the dates, and marks expirations past one year as LEAPS', () => {
    // Snapshot day 2024-10-18 (ET).
    const dates: [string, number][] = [['2024-10-25', 7], ['2025-10-17', 364], ['2025-10-20', 367], ['2026-01-16', 455]];
    const calls = Object.fromEntries(dates.map(([date, dte]) => [`${date}:${dte}`, { '5.0': [callExpiring(date, dte)] }]));
    const snapshot = chainOf(decode(body(calls)));
    const day = Date.UTC(2024, 9, 18);
    for (const row of snapshot.expirations) {
      expect(row.days_to_expiration).toBe(Math.round((Date.parse(`${row.expiration_date}T00:00:00Z`) - day) / 86_400_000));
    }
    expect(snapshot.expirations.map((e) => [e.expiration_date, e.days_to_expiration, e.is_leap])).toEqual([
      ['2024-10-25', 7, false], ['2025-10-17', 364, false], ['2025-10-20', 367, true], ['2026-01-16', 455, true],
    ]);
    expect(snapshot.contracts.map((c) => [c.expiration_date, c.days_to_expiration])).toEqual(dates);
    expect(snapshot.chains.map((c) => c.expiration_date)).toEqual(dates.map(([date]) => date));
  });

  it('gives a date with two roots (SPX monthly, SPXW weekly) one expiration of the stronger type', () => {
    const spx = { ...fiveCall(), symbol: 'SPX   241018C05000000', optionRoot: 'SPX', expirationType: 'S', settlementType: 'A', strikePrice: 5000 };
    const spxw = { ...spx, symbol: 'SPXW  241018C05000000', optionRoot: 'SPXW', expirationType: 'W', settlementType: 'P' };
    const snapshot = chainOf(decode({ ...body({ '2024-10-18:0': { '5000.0': [spxw, spx] } }), symbol: '$SPX', isIndex: true }));
    expect(snapshot.expirations).toEqual([expect.objectContaining({ underlying_symbol: '$SPX', expiration_type: 'S' })]);
    expect(snapshot.contracts.map((c) => [c.option_symbol, c.expiration_type, c.is_index_option])).toEqual([
      ['SPXW  241018C05000000', 'W', true], ['SPX   241018C05000000', 'S', true],
    ]);
  });

  it('falls back to the calendar for the type of an expiration no contract names', () => {
    const untyped = (date: string, dte: number) => ({ ...callExpiring(date, dte), expirationType: undefined });
    const snapshot = chainOf(decode(body({ '2024-11-15:28': { '5.0': [untyped('2024-11-15', 28)] }, '2024-11-22:35': { '5.0': [untyped('2024-11-22', 35)] } })));
    expect(snapshot.expirations.map((e) => e.expiration_type)).toEqual(['S', 'W']);
  });

  it('checks NUMERIC(p,s) ranges after rounding to the scale, symmetrically', () => {
    const greek = { precision: 8, scale: 6 };
    expect(fitsNumeric(99.999999, greek)).toBe(true);
    expect(fitsNumeric(99.9999995, greek)).toBe(false);
    expect(fitsNumeric(-99.9999995, greek)).toBe(false);
    expect(fitsNumeric(7805.668, { precision: 12, scale: 4 })).toBe(true);
  });
});

describe('decodeExpirationChain', () => {
  const PATH = '/marketdata/v1/expirationchain?symbol=AAPL';
  // 2024-05-17 10:00 ET, the sample's day.
  const AT = Date.UTC(2024, 4, 17, 14);

  it('makes an options_expirations row per listed date of the real sample, the underlying from the path', () => {
    const result = decodeExpirationChain(sample('rest-expirationchain-AAPL-2024-05-17.json'), { path: PATH, receivedAt: AT });
    expect(result.rejects).toEqual([]);
    expect(result.snapshots[0]?.kind).toBe('expirations');
    const { underlying, expirations } = result.snapshots[0]!.data as ExpirationsSnapshot;
    expect(underlying).toBe('AAPL');
    expect(expirations).toHaveLength(21);
    expect(expirations[0]).toEqual({
      underlying_symbol: 'AAPL', expiration_date: '2024-05-17', days_to_expiration: 0, expiration_type: 'S', is_standard: true, is_leap: false,
    });
    expect(expirations.map((e) => e.expiration_type).filter((t, i, all) => all.indexOf(t) === i)).toEqual(['S', 'W', 'Q']);
    // 2025-03-21 (308 days) is not a LEAPS, 2025-06-20 (399 days) and later are.
    expect(expirations.filter((e) => e.is_leap).map((e) => e.expiration_date)).toEqual([
      '2025-06-20', '2025-09-19', '2025-12-19', '2026-01-16', '2026-06-18', '2026-12-18',
    ]);
  });

  it('rejects a body without a symbol in its path, and an entry without a date', () => {
    const list = { expirationList: [{ expirationDate: '2024-05-24', daysToExpiration: 7, expirationType: 'W', standard: true }, { expirationDate: 'soon' }] };
    expect(decodeExpirationChain(list, { path: '/marketdata/v1/expirationchain', receivedAt: AT }).rejects[0]?.reason)
      .toBe('request path /marketdata/v1/expirationchain has no symbol of 1 to 10 characters');
    const result = decodeExpirationChain(list, { path: '/marketdata/v1/expirationchain?symbol=%24SPX', receivedAt: AT });
    expect(result.rejects).toEqual([{ table: 'options_expirations', reason: 'expirationList[1]: expirationDate is not YYYY-MM-DD', raw: '{"expirationDate":"soon"}' }]);
    expect((result.snapshots[0]?.data as ExpirationsSnapshot).expirations).toEqual([
      { underlying_symbol: '$SPX', expiration_date: '2024-05-24', days_to_expiration: 7, expiration_type: 'W', is_standard: true, is_leap: false },
    ]);
  });
});

describe('trackedContracts', () => {
  // Underlying at 234.83; strikes 225…245 by 2.5 on two expirations, calls and puts, plus a LEAPS.
  function grid(): Json {
    const strikes = Array.from({ length: 9 }, (_, i) => 225 + i * 2.5);
    const side = (putCall: 'CALL' | 'PUT', date: string, dte: number) => Object.fromEntries(strikes.map((strike) => [
      String(strike).includes('.') ? String(strike) : `${strike}.0`,
      [{ ...callExpiring(date, dte, strike), putCall, symbol: (callExpiring(date, dte, strike).symbol as string).replace(/C(?=\d{8}$)/, putCall[0]!) }],
    ]));
    const map = (putCall: 'CALL' | 'PUT') => ({
      '2024-10-25:7': side(putCall, '2024-10-25', 7), '2024-11-15:28': side(putCall, '2024-11-15', 28), '2026-01-16:455': side(putCall, '2026-01-16', 455),
    });
    return body(map('CALL'), map('PUT'));
  }

  it('picks, per expiration within the DTE window and per side, the strikes nearest the underlying price', () => {
    const picked = trackedContracts(chainOf(decode(grid())), { minDte: 0, maxDte: 30, strikesAroundMoney: 3 });
    // 234.83: nearest 235 (0.17), 232.5 (2.33), 237.5 (2.67).
    expect(picked).toEqual([
      'AAPL  241025C00232500', 'AAPL  241025C00235000', 'AAPL  241025C00237500',
      'AAPL  241025P00232500', 'AAPL  241025P00235000', 'AAPL  241025P00237500',
      'AAPL  241115C00232500', 'AAPL  241115C00235000', 'AAPL  241115C00237500',
      'AAPL  241115P00232500', 'AAPL  241115P00235000', 'AAPL  241115P00237500',
    ]);
  });

  it('reads a raw chain body the same way, and honours the DTE bounds', () => {
    const options = { minDte: 10, maxDte: 500, strikesAroundMoney: 1 };
    expect(trackedContracts(grid(), options)).toEqual([
      'AAPL  241115C00235000', 'AAPL  241115P00235000', 'AAPL  260116C00235000', 'AAPL  260116P00235000',
    ]);
    expect(trackedContracts(chainOf(decode(grid())), options)).toEqual(trackedContracts(grid(), options));
    expect(trackedContracts(grid(), { ...options, strikesAroundMoney: 0 })).toEqual([]);
    expect(trackedContracts({ nonsense: true }, options)).toEqual([]);
  });

  it('breaks a tie in distance toward the lower strike', () => {
    const atMid = { ...grid(), underlyingPrice: 233.75 }; // halfway between 232.5 and 235
    expect(trackedContracts(atMid, { minDte: 0, maxDte: 7, strikesAroundMoney: 1 })).toEqual(['AAPL  241025C00232500', 'AAPL  241025P00232500']);
  });
});
