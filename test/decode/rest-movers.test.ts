// REST movers (GET /marketdata/v1/movers/{index}) → screener_items with source 'rest', keyed like the streamer's
// screeners, over the real captures of test/fixtures/captures/movers.jsonl (z-Wind 2024, Schwabdev 2024).
import { describe, expect, it } from 'vitest';
import { decodeMovers } from '../../src/decode/rest/movers.js';
import { decodeRestBody } from '../../src/decode/rest/router.js';
import { namedRow, TABLES, type NamedRow } from '../../src/decode/tables.js';
import { captureFrame } from '../support/captures.js';

const AT = Date.parse('2024-05-31T14:00:00Z');
const ZW = captureFrame('movers.jsonl', 1);
const SDV = captureFrame('movers.jsonl', 2);
const DJI_VOLUME = '/marketdata/v1/movers/%24DJI?sort=VOLUME&frequency=0';

function rows(body: unknown, path: string): NamedRow[] {
  const result = decodeMovers(body, { path, receivedAt: AT });
  expect(result.rejects).toEqual([]);
  expect(result.snapshots).toEqual([]);
  return result.rows.map(({ table, row }) => {
    expect(table).toBe('screener_items');
    return namedRow('screener_items', row);
  });
}

describe('decodeMovers', () => {
  it('stores every entry of the real z-Wind capture with every column, ranked from 1, keyed PREFIX_SORTFIELD_FREQUENCY', () => {
    const stored = rows(ZW, DJI_VOLUME);
    expect(stored).toHaveLength(10);
    const common = {
      received_at: AT, source: 'rest', service: null, screener_key: '$DJI_VOLUME_0', sort_field: 'VOLUME', frequency: 0,
      snapshot_time: null, seq: null, sent_at: null,
    };
    expect(stored[0]).toStrictEqual({
      ...common, rank: 1, symbol: 'INTC', description: 'INTEL CORP', last_price: 31.83, net_change: 31.83,
      net_percent_change: 1, market_share: 13.47, total_volume: 307750168, volume: 41449777, trades: 179640,
    });
    expect(stored[9]).toStrictEqual({
      ...common, rank: 10, symbol: 'JPM', description: 'JPMORGAN CHASE & CO', last_price: 204.79, net_change: 204.79,
      net_percent_change: 1, market_share: 3.01, total_volume: 307750168, volume: 9260490, trades: 122710,
    });
    expect(stored.map((r) => [r.rank, r.symbol])).toEqual(
      ['INTC', 'AAPL', 'AMZN', 'WMT', 'CSCO', 'MSFT', 'VZ', 'NKE', 'KO', 'JPM'].map((s, i) => [i + 1, s]));
    for (const row of stored) expect(Object.keys(row)).toEqual(TABLES.screener_items.columns.map((c) => c.name));
  });

  it('keeps the real Schwabdev capture as sent: the 2024 defect (netChange = lastPrice, 1.0) and an HTML-escaped name', () => {
    const stored = rows(SDV, '/marketdata/v1/movers/$DJI?sort=VOLUME');
    expect(stored).toHaveLength(10);
    expect(stored[8]).toMatchObject({ rank: 9, symbol: 'MRK', description: 'Merck &amp; Co. Inc.', last_price: 108.7, net_change: 108.7, net_percent_change: 1 });
    expect(stored[9]).toStrictEqual({
      received_at: AT, source: 'rest', service: null, screener_key: '$DJI_VOLUME_0', sort_field: 'VOLUME', frequency: 0,
      snapshot_time: null, rank: 10, symbol: 'DIS', description: 'DISNEY WALT CO', last_price: 97.28, net_change: 97.28,
      net_percent_change: 1, market_share: 2.83, total_volume: 303821282, volume: 8601528, trades: 87916, seq: null, sent_at: null,
    });
  });

  it('builds the key from the request: the index URL-decoded, the sort, the frequency (0 when absent)', () => {
    const body = { screeners: [{ symbol: 'NVDA', netPercentChange: 0.0412 }] };
    const keyOf = (path: string) => rows(body, path).map((r) => [r.screener_key, r.sort_field, r.frequency])[0];
    expect(keyOf('/marketdata/v1/movers/%24SPX?sort=PERCENT_CHANGE_UP&frequency=5')).toEqual(['$SPX_PERCENT_CHANGE_UP_5', 'PERCENT_CHANGE_UP', 5]);
    expect(keyOf('/marketdata/v1/movers/NYSE?frequency=60&sort=TRADES')).toEqual(['NYSE_TRADES_60', 'TRADES', 60]);
    expect(keyOf('/marketdata/v1/movers/%24COMPX')).toEqual(['$COMPX_0', null, 0]);
    expect(rows(body, '/marketdata/v1/movers/NASDAQ?sort=VOLUME')[0]).toMatchObject({
      symbol: 'NVDA', net_percent_change: 0.0412, description: null, last_price: null, total_volume: null,
    });
  });

  it('is routed by the REST router; an empty list (a holiday) is no row', () => {
    const routed = decodeRestBody(ZW, { path: DJI_VOLUME, receivedAt: AT });
    expect(routed?.rows).toHaveLength(10);
    expect(decodeMovers({ screeners: [] }, { path: DJI_VOLUME, receivedAt: AT })).toEqual({ rows: [], snapshots: [], rejects: [] });
  });

  it('quarantines a list whose entry has no symbol, a body without a list, and a request it cannot read', () => {
    const reject = (body: unknown, path = DJI_VOLUME) => decodeMovers(body, { path, receivedAt: AT });
    const noSymbol = { screeners: [{ symbol: 'A' }, { description: 'x' }] };
    expect(reject(noSymbol)).toEqual({ rows: [], snapshots: [], rejects: [
      { table: 'screener_items', reason: 'movers $DJI_VOLUME_0 entry 2 has no symbol', raw: JSON.stringify(noSymbol) },
    ] });
    expect(reject({ screeners: [7] }).rejects[0]?.reason).toBe('movers $DJI_VOLUME_0 entry 1 is not an object');
    expect(reject({ errors: [] }).rejects[0]?.reason).toBe('movers body has no screeners list');
    expect(reject(ZW, '/marketdata/v1/movers/%E0%A4%A?sort=VOLUME').rejects[0]?.reason).toBe('movers request has no index');
    expect(reject(ZW, '/marketdata/v1/movers/NYSE?frequency=x').rejects[0]?.reason).toBe('movers request has an unknown frequency');
  });
});
