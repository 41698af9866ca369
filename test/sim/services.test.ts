// The simulator's futures, futures options, forex, CHART_FUTURES, book and screener services, spoken by hand over the
// wire and checked against Schwab's rules and the shapes of real captures (test/fixtures/captures).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/paths.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { StreamClient, loggedIn } from '../support/sim-client.js';

const fieldList = (last: number): string => Array.from({ length: last + 1 }, (_, i) => i).join(',');
type Item = Record<string, unknown>;

/** The first content item of the first frame of a capture file. */
function capturedItem(file: string): Item {
  const line = readFileSync(path.join(repoRoot, 'test/fixtures/captures', file), 'utf8').split('\n')[0] ?? '';
  return (JSON.parse(line) as { data: Array<{ content: Item[] }> }).data[0]!.content[0]!;
}

const sortedKeys = (item: Item): string[] => Object.keys(item).sort();
const onGrid = (value: unknown, tick: number): boolean => Math.abs((value as number) / tick - Math.round((value as number) / tick)) < 1e-6;
const places = (value: unknown): number => (String(value).split('.')[1] ?? '').length;

interface Level {
  0: number;
  1: number;
  2: number;
  3: Array<{ 0: string; 1: number; 2: number }>;
}

describe('simulator services beyond equities and options', () => {
  let sim: Simulator;
  let client: StreamClient;
  beforeEach(async () => {
    sim = await startSimulator({ seed: 51, updatesPerSecond: 400, chartBarIntervalMs: 100, bookIntervalMs: 100, screenerIntervalMs: 100, maxKeysPerService: 4 });
    ({ client } = await loggedIn(sim));
  });
  afterEach(async () => {
    client.close();
    await sim.close();
  });

  it('streams LEVELONE_FUTURES as a snapshot of every requested field with the captured key set, then deltas on the tick grid', async () => {
    expect(await client.command('LEVELONE_FUTURES', 'SUBS', { keys: '/ES,/NOPE,/ESZ20', fields: fieldList(40) })).toMatchObject({ code: 0 });
    const es = await client.waitFor(() => client.items('LEVELONE_FUTURES').find((i) => i['key'] === '/ES'));
    expect(sortedKeys(es)).toEqual(sortedKeys({ ...capturedItem('levelone-futures.jsonl'), key: '/ES' }));
    expect(es).toMatchObject({ delayed: false, assetMainType: 'FUTURE', 6: '?', 7: '?', 15: '@', 17: '?', 21: 'XCME', 25: 0.25, 26: 12.5, 27: '/ES', 28: 'D,D', 31: 50 });
    expect(es['34']).toMatch(/^\/ES[HMUZ]\d{2}$/);
    expect(es['16']).toMatch(/^E-mini S&P 500 Index Futures,[A-Z][a-z]{2}-\d{4},ETH$/);
    // A dated key of the front contract is served too, and quotes the same contract.
    expect(await client.command('LEVELONE_FUTURES', 'ADD', { keys: String(es['34']), fields: fieldList(40) })).toMatchObject({ code: 0 });
    await client.waitFor(() => client.items('LEVELONE_FUTURES').find((i) => i['key'] === es['34'] && i['assetMainType'] === 'FUTURE'));
    const deltas = await client.waitFor(() => {
      const list = client.items('LEVELONE_FUTURES').filter((i) => i['key'] === '/ES' && !('assetMainType' in i));
      return list.length >= 5 && list;
    });
    for (const delta of deltas) {
      expect(Object.keys(delta).length).toBeLessThan(20);
      for (const field of ['1', '2', '3', '12', '13']) if (field in delta) expect(onGrid(delta[field], 0.25)).toBe(true);
    }
    const keys = new Set(client.items('LEVELONE_FUTURES').map((i) => i['key']));
    expect(keys.has('/NOPE') || keys.has('/ESZ20')).toBe(false); // unknown product, expired contract
  });

  it('streams LEVELONE_FUTURES_OPTIONS and LEVELONE_FOREX snapshots with the captured key sets and real constants', async () => {
    expect(await client.command('LEVELONE_FUTURES_OPTIONS', 'SUBS', { keys: './OZCZ40C450,./XXXZ40C1', fields: fieldList(31) })).toMatchObject({ code: 0 });
    expect(await client.command('LEVELONE_FOREX', 'SUBS', { keys: 'EUR/USD,USD/JPY,XXX/YYY', fields: fieldList(29) })).toMatchObject({ code: 0 });
    const option = await client.waitFor(() => client.items('LEVELONE_FUTURES_OPTIONS')[0]);
    expect(sortedKeys(option)).toEqual(sortedKeys({ ...capturedItem('levelone-futures-options.jsonl'), key: '' }));
    expect(option).toMatchObject({ key: './OZCZ40C450', assetMainType: 'FUTURE_OPTION', 6: 63, 7: 63, 15: 63, 16: 'Corn Options', 24: '/ZCZ40', 25: 450, 28: 'C', 30: '@', 31: 'XCBT' });
    const eur = await client.waitFor(() => client.items('LEVELONE_FOREX').find((i) => i['key'] === 'EUR/USD'));
    expect(sortedKeys(eur)).toEqual(sortedKeys({ ...capturedItem('levelone-forex.jsonl'), key: '' }));
    expect(eur).toMatchObject({ assetMainType: 'FOREX', 13: '!', 14: 'Euro/USDollar Spot', 18: 'GFT', 20: 'Unknown' });
    expect(places(eur['1'])).toBeLessThanOrEqual(5);
    expect(eur['3']).toBeCloseTo(((eur['1'] as number) + (eur['2'] as number)) / 2, 9); // last is the mid
    const jpy = await client.waitFor(() => client.items('LEVELONE_FOREX').find((i) => i['key'] === 'USD/JPY'));
    expect(places(jpy['1'])).toBeLessThanOrEqual(3);
    await client.waitFor(() => client.items('LEVELONE_FOREX').some((i) => i['key'] === 'EUR/USD' && !('assetMainType' in i)));
    expect(client.items('LEVELONE_FOREX').some((i) => i['key'] === 'XXX/YYY')).toBe(false);
  });

  it('sends CHART_FUTURES bars with chart time in field 1, the latest completed bar first, then one trading minute per tick', async () => {
    expect(await client.command('CHART_FUTURES', 'SUBS', { keys: '/ES', fields: fieldList(6) })).toMatchObject({ code: 0 });
    const bars = await client.waitFor(() => client.items('CHART_FUTURES').length >= 4 && client.items('CHART_FUTURES'));
    expect(sortedKeys(bars[0]!)).toEqual(sortedKeys(capturedItem('chart-futures.jsonl')));
    expect(bars[0]!['1']).toBeLessThan(Date.now());
    for (const [i, bar] of bars.entries()) {
      const [open, high, low, close] = [bar['2'], bar['3'], bar['4'], bar['5']] as number[];
      expect(high).toBeGreaterThanOrEqual(Math.max(open!, close!));
      expect(low).toBeLessThanOrEqual(Math.min(open!, close!));
      for (const price of [open, high, low, close]) expect(onGrid(price, 0.25)).toBe(true);
      expect(bar['6']).toBeGreaterThan(0);
      if (i > 0) {
        expect(bar['1']).toBeGreaterThan(bars[i - 1]!['1'] as number);
        expect(bar['seq']).not.toBe(bars[i - 1]!['seq']);
      }
    }
  });

  it('sends whole book frames: best first on each side, levels summing their venues, venue times since midnight ET, throttled per key', async () => {
    const started = Date.now();
    expect(await client.command('NYSE_BOOK', 'SUBS', { keys: 'JPM', fields: '0,1,2,3' })).toMatchObject({ code: 0 });
    expect(await client.command('NASDAQ_BOOK', 'SUBS', { keys: 'AAPL,$SPX', fields: '0,1,2,3' })).toMatchObject({ code: 0 });
    const occ = 'AAPL  '; // a listed near-the-money AAPL contract, taken from the chain the simulator serves
    const chain = await (await fetch(`${sim.baseUrl}/marketdata/v1/chains?symbol=AAPL&strikeCount=2`, { headers: { authorization: `Bearer ${sim.issueTokens().access_token}` } })).json() as { callExpDateMap: Record<string, Record<string, Array<{ symbol: string }>>> };
    const contract = Object.values(Object.values(chain.callExpDateMap)[0]!)[0]![0]!.symbol;
    expect(contract.startsWith(occ)).toBe(true);
    expect(await client.command('OPTIONS_BOOK', 'SUBS', { keys: contract, fields: '0,1,2,3' })).toMatchObject({ code: 0 });
    for (const [service, key] of [['NYSE_BOOK', 'JPM'], ['NASDAQ_BOOK', 'AAPL'], ['OPTIONS_BOOK', contract]] as const) {
      const frames = await client.waitFor(() => client.items(service).length >= 3 && client.items(service));
      for (const item of frames) {
        expect(sortedKeys(item)).toEqual(['1', '2', '3', 'key']);
        expect(item['key']).toBe(key);
        const [bids, asks] = [item['2'], item['3']] as Level[][];
        expect(asks!.length).toBeGreaterThan(0);
        if (bids!.length > 0) expect(bids![0]![0]).toBeLessThan(asks![0]![0]);
        for (const [side, levels] of [[-1, bids!], [1, asks!]] as const) {
          for (const [i, level] of levels.entries()) {
            if (i > 0) expect(Math.sign(level[0] - levels[i - 1]![0])).toBe(side);
            expect(level[1]).toBe(level[3].reduce((sum, venue) => sum + venue[1], 0));
            expect(level[2]).toBe(level[3].length);
            for (const venue of level[3]) expect(venue[2]).toBeGreaterThanOrEqual(0);
            for (const venue of level[3]) expect(venue[2]).toBeLessThan(86_400_000);
          }
        }
      }
    }
    expect(client.items('NASDAQ_BOOK').some((i) => i['key'] === '$SPX')).toBe(false); // an index has no book
    const perKey = client.items('NYSE_BOOK').length;
    expect(perKey).toBeLessThanOrEqual(2 + (Date.now() - started) / 100); // one frame per key per interval, plus the SUBS one
  });

  it('sends whole screener frames ranked by the sort field, at most ten items, net percent change a fraction', async () => {
    const keys = 'NASDAQ_VOLUME_30,$SPX_PERCENT_CHANGE_UP_0,NYSE_TRADES_5,NOPE_VOLUME_7';
    expect(await client.command('SCREENER_EQUITY', 'SUBS', { keys, fields: '0,1,2,3,4' })).toMatchObject({ code: 0 });
    expect(await client.command('SCREENER_OPTION', 'SUBS', { keys: 'OPTION_CALL_TRADES_30', fields: '0,1,2,3,4' })).toMatchObject({ code: 0 });
    const by = async (service: string, key: string): Promise<Item> => client.waitFor(() => client.items(service).find((i) => i['key'] === key));
    const checks: Array<[string, string, string, number, (entry: Item) => number]> = [
      ['SCREENER_EQUITY', 'NASDAQ_VOLUME_30', 'VOLUME', 30, (e) => e['volume'] as number],
      ['SCREENER_EQUITY', '$SPX_PERCENT_CHANGE_UP_0', 'PERCENT_CHANGE_UP', 0, (e) => e['netPercentChange'] as number],
      ['SCREENER_EQUITY', 'NYSE_TRADES_5', 'TRADES', 5, (e) => e['trades'] as number],
      ['SCREENER_OPTION', 'OPTION_CALL_TRADES_30', 'TRADES', 30, (e) => e['trades'] as number],
    ];
    for (const [service, key, sortField, frequency, sortValue] of checks) {
      const item = await by(service, key);
      expect(item).toMatchObject({ 2: sortField, 3: frequency });
      const entries = item['4'] as Item[];
      expect(entries.length).toBeGreaterThan(0);
      expect(entries.length).toBeLessThanOrEqual(10);
      for (const [i, entry] of entries.entries()) {
        expect(Object.keys(entry)).toEqual(['symbol', 'description', 'lastPrice', 'netChange', 'netPercentChange', 'marketShare', 'totalVolume', 'volume', 'trades']);
        if (i > 0) expect(sortValue(entry)).toBeLessThanOrEqual(sortValue(entries[i - 1]!));
        const close = (entry['lastPrice'] as number) - (entry['netChange'] as number);
        if (close > 0.5) expect(entry['netPercentChange']).toBeCloseTo((entry['netChange'] as number) / close, 3);
        expect(entry['totalVolume']).toBe(entries[0]!['totalVolume']);
      }
      if (service === 'SCREENER_OPTION') for (const entry of entries) expect(entry['symbol']).toMatch(/^[A-Z]{1,5} *\d{6}C\d{8}$/);
    }
    await client.waitFor(() => client.items('SCREENER_EQUITY').filter((i) => i['key'] === 'NASDAQ_VOLUME_30').length >= 2);
    expect(client.items('SCREENER_EQUITY').some((i) => i['key'] === 'NOPE_VOLUME_7')).toBe(false);
  });

  it('applies the per-service key limit to every service, re-sends whole items on VIEW with the new fields, and stops on UNSUBS', async () => {
    const refused = await client.command('NYSE_BOOK', 'SUBS', { keys: 'JPM,XOM,BAC,KO,DIS', fields: '0,1,2,3' });
    expect(refused).toMatchObject({ code: 19 });
    expect(sim.stats.subscriptions['NYSE_BOOK']?.size).toBe(4);
    expect(await client.command('LEVELONE_FOREX', 'ADD', { keys: 'EUR/USD,GBP/USD,USD/JPY,EUR/GBP,AUD/USD', fields: '0,1,2' })).toMatchObject({ code: 19 });
    expect(await client.command('NYSE_BOOK', 'VIEW', { fields: '0,1' })).toMatchObject({ code: 0 });
    await client.waitFor(() => client.items('NYSE_BOOK').some((i) => sortedKeys(i).join() === '1,key'));
    expect(await client.command('NYSE_BOOK', 'UNSUBS', { keys: 'JPM,XOM,BAC,KO' })).toMatchObject({ code: 0 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const count = client.items('NYSE_BOOK').length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(client.items('NYSE_BOOK').length).toBe(count);
  });
});
