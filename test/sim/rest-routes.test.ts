import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { accountNumbersSchema, accountsSchema } from '../../src/schwab/schemas/accounts.js';
import { expirationChainSchema, optionChainSchema } from '../../src/schwab/schemas/chains.js';
import { marketsSchema } from '../../src/schwab/schemas/markets.js';
import { ordersSchema } from '../../src/schwab/schemas/orders.js';
import { parseBody } from '../../src/schwab/schemas/parse.js';
import { priceHistorySchema } from '../../src/schwab/schemas/price-history.js';
import { quotesSchema } from '../../src/schwab/schemas/quotes.js';
import { transactionsSchema } from '../../src/schwab/schemas/transactions.js';
import { userPreferenceSchema } from '../../src/schwab/schemas/user-preference.js';
import { parseOcc, startSimulator, type Simulator, type TokenResponse } from '../../src/sim/index.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function sample(file: string): Json {
  return JSON.parse(readFileSync(new URL(`../fixtures/samples/${file}`, import.meta.url), 'utf8')) as Json;
}

const keys = (value: unknown): string[] => Object.keys(value as object).sort();

/** Same keys as the capture, recursively through the objects both have (arrays: their first elements). */
function expectSameShape(actual: unknown, expected: unknown, path = '$'): void {
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${path} is an array`).toBe(true);
    if (expected.length > 0 && (actual as unknown[]).length > 0) expectSameShape((actual as unknown[])[0], expected[0], `${path}[0]`);
    return;
  }
  if (expected === null || typeof expected !== 'object') return;
  expect(keys(actual), `${path} keys`).toEqual(keys(expected));
  for (const key of Object.keys(expected)) expectSameShape((actual as Json)[key], (expected as Json)[key], `${path}.${key}`);
}

function dateIn(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

describe('simulator REST', () => {
  let sim: Simulator;
  let tokens: TokenResponse;
  let hash: string;
  let cashHash: string;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 21 });
    tokens = sim.issueTokens();
    const numbers = (await get('/trader/v1/accounts/accountNumbers')).body as Json[];
    hash = numbers[0]?.['hashValue'] as string;
    cashHash = numbers[1]?.['hashValue'] as string;
  });
  afterAll(async () => { await sim?.close(); });

  async function get(path: string, token: string | null = tokens.access_token): Promise<{ status: number; body: Json; headers: Headers }> {
    const response = await fetch(`${sim.baseUrl}${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
    return { status: response.status, body: (await response.json()) as Json, headers: response.headers };
  }

  function parses<S extends z.ZodType>(schema: S, body: unknown): void {
    expect(() => parseBody('test', schema, body)).not.toThrow();
  }

  const range = (days: number): string => {
    const to = new Date(Date.now() + 60_000);
    const from = new Date(to.getTime() - days * 86_400_000);
    return `fromEnteredTime=${from.toISOString()}&toEnteredTime=${to.toISOString()}`;
  };

  it('answers 401 with the trader error shape without a bearer token or with an expired one', async () => {
    const missing = await get('/trader/v1/accounts/accountNumbers', null);
    expect(missing.status).toBe(401);
    expectSameShape(missing.body, sample('rest-error-trader-401.json'));
    expect((await get('/marketdata/v1/quotes?symbols=AAPL', 'I0.unknown@')).status).toBe(401);
    expect(missing.headers.get('schwab-client-correlid')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves userPreference as an object whose streamerInfo points at the simulator socket', async () => {
    const { body } = await get('/trader/v1/userPreference');
    expectSameShape(body, sample('rest-userpreference.json'));
    parses(userPreferenceSchema, body);
    expect(body['streamerInfo']).toHaveLength(1);
    expect(body['streamerInfo'][0]['streamerSocketUrl']).toBe(sim.wsUrl);
  });

  it('lists account numbers with 64-character hash values', async () => {
    const { body } = await get('/trader/v1/accounts/accountNumbers');
    expectSameShape(body, sample('rest-accountnumbers-redacted.json'));
    parses(accountNumbersSchema, body);
    for (const entry of body as Json[]) {
      expect(entry['accountNumber']).toMatch(/^\d{8}$/);
      expect(entry['hashValue']).toMatch(/^[0-9A-F]{64}$/);
    }
  });

  it('serves accounts with the balance fields of the real CASH and MARGIN captures, and positions on request', async () => {
    const { body } = await get('/trader/v1/accounts');
    parses(accountsSchema, body);
    const [cashSample, marginSample] = sample('rest-accounts.json') as unknown as Json[];
    const margin = (body as Json[]).find((a) => a['securitiesAccount']['type'] === 'MARGIN');
    const cash = (body as Json[]).find((a) => a['securitiesAccount']['type'] === 'CASH');
    expectSameShape(margin, marginSample);
    expectSameShape(cash, cashSample);
    const one = await get(`/trader/v1/accounts/${hash}?fields=positions`);
    const positions = one.body['securitiesAccount']['positions'] as Json[];
    expect(positions.length).toBeGreaterThan(0);
    expect(positions.map((p) => p['instrument']['symbol'])).toContain('SPY');
    expect((await get('/trader/v1/accounts/NOTAHASH')).status).toBe(400);
  });

  it('requires fromEnteredTime and toEnteredTime in Schwab format for orders', async () => {
    expect((await get(`/trader/v1/accounts/${hash}/orders`)).status).toBe(400);
    const bad = await get(`/trader/v1/orders?fromEnteredTime=2024-10-08T16:30:31.469502+00Z&toEnteredTime=2024-10-09T00:00:00.000Z`);
    expect(bad.status).toBe(400);
    expect(bad.body['message']).toContain('is not a valid value for fromEnteredTime');
    expect((await get(`/trader/v1/orders?fromEnteredTime=2024-10-08&toEnteredTime=2024-10-09`)).status).toBe(400);
    const from = encodeURIComponent('2024-10-08T00:00:00.000+0000');
    const offset = await get(`/trader/v1/orders?fromEnteredTime=${from}&toEnteredTime=2024-10-09T00:00:00.000-04:00`);
    expect(offset.status).toBe(200);
  });

  it('serves orders shaped like the real capture, status by status, with a numeric accountNumber', async () => {
    const { body } = await get(`/trader/v1/accounts/${hash}/orders?${range(60)}`);
    parses(ordersSchema, body);
    const real = sample('rest-orders.json') as unknown as Json[];
    const byStatus = (list: Json[], status: string): Json | undefined => list.find((o) => o['status'] === status);
    const filledEtf = (body as Json[]).find((o) => o['status'] === 'FILLED' && o['orderLegCollection'][0]['instrument']['symbol'] === 'SPY');
    expectSameShape(filledEtf, byStatus(real, 'FILLED'));
    expect(keys(byStatus(body as Json[], 'REJECTED'))).toEqual(keys(byStatus(real, 'REJECTED')));
    expect(keys(byStatus(body as Json[], 'CANCELED'))).toEqual(keys(real[2]));
    expect(byStatus(body as Json[], 'CANCELED')?.['orderActivityCollection'][0]['executionType']).toBe('CANCELED');
    expect(typeof filledEtf?.['accountNumber']).toBe('number');
    expect(filledEtf?.['enteredTime']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
    const times = (body as Json[]).map((o) => o['enteredTime'] as string);
    expect([...times].sort().reverse()).toEqual(times);
    expect((await get(`/trader/v1/orders?${range(60)}&maxResults=2`)).body).toHaveLength(2);
    expect((await get(`/trader/v1/orders?${range(60)}&status=REJECTED`)).body).toHaveLength(1);
  });

  it('shows a placed order WORKING, then FILLED with a TRADE transaction that carries its orderId and fee legs', async () => {
    const placed = sim.placeOrder({ symbol: 'SPY', quantity: 3, fillAfterMs: 200 });
    const working = (await get(`/trader/v1/accounts/${hash}/orders?${range(1)}&status=WORKING`)).body as Json[];
    expect(working).toHaveLength(1);
    expect(working[0]?.['cancelable']).toBe(true);
    expect(working[0]?.['remainingQuantity']).toBe(3);
    expect(working[0]).not.toHaveProperty('closeTime');
    const orderId = await placed;
    const order = (await get(`/trader/v1/accounts/${hash}/orders/${orderId}`)).body;
    expect(order['status']).toBe('FILLED');
    expect(order['orderActivityCollection'][0]['executionLegs'][0]['quantity']).toBe(3);

    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const trades = (await get(`/trader/v1/accounts/${hash}/transactions?startDate=${from}&endDate=${to}&types=TRADE`)).body as Json[];
    const trade = trades.find((t) => t['orderId'] === orderId);
    const realTrade = (sample('rest-transactions.json') as unknown as Json[]).find((t) => t['type'] === 'TRADE' && 'orderId' in t);
    expectSameShape(trade, realTrade);
    const items = trade?.['transferItems'] as Json[];
    expect(items.filter((i) => i['instrument']['symbol'] === 'CURRENCY_USD').map((i) => i['feeType'])).toEqual(['COMMISSION', 'SEC_FEE', 'OPT_REG_FEE', 'TAF_FEE']);
    expect(items.at(-1)?.['amount']).toBe(3);
    expect(typeof trade?.['accountNumber']).toBe('string');
    expect(trade).not.toHaveProperty('user');
  });

  it('requires startDate, endDate and types for transactions and serves each type in the real shape', async () => {
    const base = `/trader/v1/accounts/${hash}/transactions`;
    const from = new Date(Date.now() - 60 * 86_400_000).toISOString();
    const to = new Date().toISOString();
    expect((await get(`${base}?startDate=${from}&endDate=${to}`)).status).toBe(400);
    expect((await get(`${base}?endDate=${to}&types=TRADE`)).status).toBe(400);
    expect((await get(`${base}?startDate=${from}&endDate=${to}&types=BOGUS`)).status).toBe(400);
    const all = (await get(`${base}?startDate=${from}&endDate=${to}&types=TRADE,ELECTRONIC_FUND,DIVIDEND_OR_INTEREST,JOURNAL`)).body as Json[];
    parses(transactionsSchema, all);
    const real = sample('rest-transactions.json') as unknown as Json[];
    for (const type of ['ELECTRONIC_FUND', 'DIVIDEND_OR_INTEREST', 'JOURNAL']) {
      expectSameShape(all.find((t) => t['type'] === type), real.find((t) => t['type'] === type));
    }
    const wire = (await get(`/trader/v1/accounts/${cashHash}/transactions?startDate=${from}&endDate=${to}&types=WIRE_IN`)).body as Json[];
    expectSameShape(wire[0], real.find((t) => t['type'] === 'WIRE_IN'));
    const spyOnly = (await get(`${base}?startDate=${from}&endDate=${to}&types=TRADE&symbol=SPY`)).body as Json[];
    expect(spyOnly.length).toBeGreaterThan(0);
    expect(spyOnly.every((t) => (t['transferItems'] as Json[]).some((i) => i['instrument']['symbol'] === 'SPY'))).toBe(true);
  });

  it('accepts a POSTed equity order with 201 and the order id in Location', async () => {
    const response = await fetch(`${sim.baseUrl}/trader/v1/accounts/${hash}/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        orderType: 'MARKET', session: 'NORMAL', duration: 'DAY', orderStrategyType: 'SINGLE',
        orderLegCollection: [{ instruction: 'BUY', quantity: 2, instrument: { symbol: 'AAPL', assetType: 'EQUITY' } }],
      }),
    });
    expect(response.status).toBe(201);
    const location = response.headers.get('location') ?? '';
    expect(location).toMatch(new RegExp(`/trader/v1/accounts/${hash}/orders/\\d{13}$`));
    const order = (await get(new URL(location).pathname)).body;
    expect(order['orderType']).toBe('MARKET');
    expect(order).not.toHaveProperty('price');
  });

  it('serves option chains with real field names, date:dte and decimal-strike map keys, and 21-character OCC symbols', async () => {
    const { status, body } = await get('/marketdata/v1/chains?symbol=AAPL&strikeCount=6');
    expect(status).toBe(200);
    parses(optionChainSchema, body);
    const real = sample('rest-chains-AAPL-2024-10-18-truncated.json');
    // The capture's author truncated it to calls; putExpDateMap is otherwise always present.
    expect(keys(body).filter((k) => k !== 'putExpDateMap')).toEqual(keys(real));
    const today = new Date().toLocaleDateString('en-CA', { timeZone: 'America/New_York' });
    for (const map of [body['callExpDateMap'], body['putExpDateMap']] as Json[]) {
      for (const [expiry, strikes] of Object.entries(map)) {
        const [date, dte] = expiry.split(':');
        expect(expiry).toMatch(/^\d{4}-\d\d-\d\d:\d+$/);
        expect(Number(dte)).toBe(Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000));
        expect(Object.keys(strikes as Json)).toHaveLength(6);
        for (const [strike, contracts] of Object.entries(strikes as Json)) {
          expect(strike).toMatch(/^\d+\.\d+$/);
          const contract = (contracts as Json[])[0] as Json;
          expect(keys(contract)).toEqual(keys(Object.values(Object.values(real['callExpDateMap'])[0] as Json)[0][0]));
          expect(contract['symbol']).toHaveLength(21);
          const occ = parseOcc(contract['symbol']);
          expect(occ?.strike).toBe(Number(strike));
          expect(occ?.date).toBe(date);
          expect(contract['expirationDate']).toMatch(new RegExp(`^${date}T(20|21):00:00\\.000\\+00:00$`));
          expect(contract['bidAskSize']).toBe(`${contract['bidSize']}X${contract['askSize']}`);
        }
      }
    }
    const types = new Set(Object.values(body['callExpDateMap'] as Json).flatMap((s) => Object.values(s as Json).map((c) => (c as Json[])[0]?.['expirationType'])));
    expect([...types]).toEqual(expect.arrayContaining(['W', 'S']));
    const dtes = Object.keys(body['callExpDateMap']).map((k) => Number(k.split(':')[1]));
    expect(Math.max(...dtes)).toBeGreaterThan(365);
  });

  it('honours contractType, fromDate/toDate and strike, and puts SPX and SPXW side by side on monthly dates', async () => {
    const calls = (await get(`/marketdata/v1/chains?symbol=SPY&contractType=CALL&strikeCount=2&fromDate=${dateIn(0)}&toDate=${dateIn(45)}`)).body;
    expect(calls['putExpDateMap']).toEqual({});
    for (const expiry of Object.keys(calls['callExpDateMap'])) {
      expect(expiry.slice(0, 10) >= dateIn(-1) && expiry.slice(0, 10) <= dateIn(45)).toBe(true);
    }
    const spx = (await get(`/marketdata/v1/chains?symbol=$SPX&strikeCount=1&toDate=${dateIn(80)}`)).body;
    expect(spx['isIndex']).toBe(true);
    const roots = new Set<string>();
    let sideBySide = 0;
    for (const strikes of Object.values(spx['callExpDateMap'] as Json)) {
      for (const contracts of Object.values(strikes as Json) as Json[][]) {
        contracts.forEach((c) => roots.add(c['optionRoot']));
        if (contracts.length === 2) {
          sideBySide += 1;
          expect(contracts.map((c) => c['settlementType']).sort()).toEqual(['A', 'P']);
        }
      }
    }
    expect([...roots].sort()).toEqual(['SPX', 'SPXW']);
    expect(sideBySide).toBeGreaterThan(0);
    const unbounded = await get('/marketdata/v1/chains?symbol=$SPX');
    expect(unbounded.body['fault']['faultstring']).toBe('Body buffer overflow');
    expect((await get('/marketdata/v1/chains?symbol=NOPE')).body['status']).toBe('FAILED');
  });

  it('sends deep in-the-money IVs in the thousands and the -999 sentinel for contracts without a bid', async () => {
    const { body } = await get('/marketdata/v1/chains?symbol=AAPL');
    const contracts = [body['callExpDateMap'], body['putExpDateMap']]
      .flatMap((map) => Object.values(map as Json).flatMap((s) => Object.values(s as Json).flat() as Json[]));
    expect(contracts.some((c) => typeof c['volatility'] === 'number' && c['volatility'] > 1000 && c['delta'] === 1)).toBe(true);
    const sentinel = contracts.filter((c) => c['volatility'] === -999);
    expect(sentinel.length).toBeGreaterThan(0);
    expect(sentinel.every((c) => c['bid'] === 0 && c['delta'] === -999)).toBe(true);
    const priced = contracts.filter((c) => typeof c['volatility'] === 'number' && c['volatility'] > 0 && c['volatility'] < 200);
    expect(priced.every((c) => (c['putCall'] === 'CALL' ? c['delta'] >= 0 && c['delta'] <= 1 : c['delta'] <= 0 && c['delta'] >= -1))).toBe(true);
    expect(priced.every((c) => c['gamma'] >= 0 && c['theta'] <= 0 && c['bid'] <= c['ask'])).toBe(true);
  });

  it('serves expiration chains with expirationDate, including weekly, standard, quarterly and LEAPS expirations', async () => {
    const { body } = await get('/marketdata/v1/expirationchain?symbol=AAPL');
    parses(expirationChainSchema, body);
    expectSameShape(body, sample('rest-expirationchain-AAPL-2024-05-17.json'));
    const list = body['expirationList'] as Json[];
    expect(new Set(list.map((e) => e['expirationType']))).toEqual(new Set(['W', 'S', 'Q']));
    expect(Math.max(...list.map((e) => e['daysToExpiration']))).toBeGreaterThan(365);
  });

  it('serves quotes keyed by symbol per asset type, unknown symbols under errors.invalidSymbols', async () => {
    const real = sample('rest-quotes-multi-asset-2024-05.json');
    const occ = Object.values(Object.values((await get('/marketdata/v1/chains?symbol=AAPL&strikeCount=1')).body['callExpDateMap'])[0] as Json)[0][0]['symbol'];
    const { body } = await get(`/marketdata/v1/quotes?symbols=AAPL,$SPX,${encodeURIComponent(occ)},NOPE`);
    parses(quotesSchema, body);
    expectSameShape(body['AAPL'], real['AAPL']);
    expectSameShape(body['$SPX'], real['$SPX']);
    expectSameShape(body[occ], real['AAPL  240517C00100000']);
    expect(body['errors']).toEqual({ invalidSymbols: ['NOPE'] });
    const single = await get('/marketdata/v1/MSFT/quotes?fields=quote');
    expect(keys(single.body['MSFT'])).toEqual(['assetMainType', 'assetSubType', 'quote', 'quoteType', 'realtime', 'ssid', 'symbol']);
  });

  it('serves minute candles at minute starts and daily candles at midnight US/Central', async () => {
    const minutes = (await get('/marketdata/v1/pricehistory?symbol=AAPL&periodType=day&period=5&frequencyType=minute')).body;
    parses(priceHistorySchema, minutes);
    expectSameShape(minutes, sample('rest-pricehistory-AAPL-monthly-2024.json'));
    const candles = minutes['candles'] as Json[];
    expect(candles.length).toBeGreaterThan(500);
    expect(candles.every((c) => c['datetime'] % 60_000 === 0 && c['low'] <= c['open'] && c['high'] >= c['close'])).toBe(true);
    const gaps = candles.slice(1).filter((c, i) => c['datetime'] - (candles[i]?.['datetime'] ?? 0) === 120_000);
    expect(gaps.length).toBeGreaterThan(0);

    const daily = (await get('/marketdata/v1/pricehistory?symbol=AAPL&periodType=month&period=1&frequencyType=daily&needPreviousClose=true')).body;
    const central = (ms: number): string => new Date(ms).toLocaleTimeString('en-GB', { timeZone: 'America/Chicago', hour12: false });
    expect((daily['candles'] as Json[]).every((c) => central(c['datetime']) === '00:00:00')).toBe(true);
    expect(central(daily['previousCloseDate'])).toBe('00:00:00');
    expect(typeof daily['previousClose']).toBe('number');

    const monthly = (await get('/marketdata/v1/pricehistory?symbol=AAPL&periodType=year&period=1&frequencyType=monthly')).body;
    expect((monthly['candles'] as Json[]).length).toBe(12);
    const none = (await get('/marketdata/v1/pricehistory?symbol=AAPL&periodType=day&startDate=0&endDate=1000')).body;
    expect(none).toEqual({ candles: [], symbol: 'AAPL', empty: true });
    expect((await get('/marketdata/v1/pricehistory?symbol=AAPL&periodType=day&frequencyType=daily')).status).toBe(400);
  });

  it('serves market hours with Eastern offsets on trading days and the isOpen:false shape on weekends', async () => {
    const { body } = await get(`/marketdata/v1/markets?markets=equity,option`);
    parses(marketsSchema, body);
    let saturday = 0;
    while (new Date(`${dateIn(saturday)}T12:00:00Z`).getUTCDay() !== 6) saturday += 1;
    const closed = (await get(`/marketdata/v1/markets?markets=equity,option&date=${dateIn(saturday)}`)).body;
    expect(closed).toEqual({
      equity: { equity: { date: dateIn(saturday), marketType: 'EQUITY', product: 'equity', isOpen: false } },
      option: { option: { date: dateIn(saturday), marketType: 'OPTION', product: 'option', isOpen: false } },
    });
    let weekday = 1;
    while ([0, 6].includes(new Date(`${dateIn(weekday)}T12:00:00Z`).getUTCDay())) weekday += 1;
    const open = (await get(`/marketdata/v1/markets?markets=equity,option&date=${dateIn(weekday)}`)).body;
    if (open['equity']['EQ'] !== undefined) {
      expectSameShape(open, sample('rest-markets-equity-option-2024-10-18.json'));
      expect(open['equity']['EQ']['sessionHours']['regularMarket'][0]['start']).toMatch(/T09:30:00-0[45]:00$/);
    }
    expect((await get('/marketdata/v1/markets/equity?date=2020-01-02')).status).toBe(400);
  });

  it('fails the next REST calls with the requested status and Retry-After, but never the token endpoint', async () => {
    sim.faults.restFailures(429, 2, 7);
    const first = await get('/marketdata/v1/quotes?symbols=AAPL');
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('7');
    sim.issueTokens();
    const form = new URLSearchParams({ grant_type: 'authorization_code', code: decodeURIComponent(sim.authorizationCode()), redirect_uri: sim.credentials.callbackUrl });
    const token = await fetch(`${sim.baseUrl}/v1/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${sim.credentials.appKey}:${sim.credentials.appSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    expect(token.status).toBe(200);
    const fresh = (await token.json()) as TokenResponse;
    expect((await get('/trader/v1/userPreference', fresh.access_token)).status).toBe(429);
    expect((await get('/trader/v1/userPreference', fresh.access_token)).status).toBe(200);
    sim.faults.restFailures(503, 1);
    const unavailable = await get('/trader/v1/userPreference', fresh.access_token);
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('retry-after')).toBeNull();
    tokens = fresh;
  });

  it('expires every issued access token on expireAccessTokens', async () => {
    const own = sim.issueTokens();
    expect((await get('/trader/v1/userPreference', own.access_token)).status).toBe(200);
    sim.faults.expireAccessTokens();
    expect((await get('/trader/v1/userPreference', own.access_token)).status).toBe(401);
    tokens = sim.issueTokens();
  });

  it('records every API call in stats.restRequests', () => {
    expect(sim.stats.restRequests.some((r) => r.path.startsWith('/marketdata/v1/chains?symbol=AAPL') && r.status === 200)).toBe(true);
    expect(sim.stats.restRequests.some((r) => r.status === 429)).toBe(true);
  });
});
