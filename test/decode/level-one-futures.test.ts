// LEVELONE_FUTURES, LEVELONE_FUTURES_OPTIONS and LEVELONE_FOREX over real captures (test/fixtures/captures): every
// field of a full snapshot in its column, the send time, the merge of a delta, and the keys and ids Schwab really
// sends (`/ES`, `/ESZ25`, `./OZCZ23C565`, `EUR/USD`, "?") stored as sent.
import { describe, expect, it } from 'vitest';
import { StreamDecoder, type DecodeResult } from '../../src/decode/stream-decoder.js';
import { namedRow, TABLES, type NamedRow, type TableName } from '../../src/decode/tables.js';
import { allFields } from '../../src/schwab/fields.js';
import { initialPlan } from '../../src/schwab/streamer/subscriptions.js';
import { captureFrame, captureItem } from '../support/captures.js';

const AT = 1765300000000;

const columnsOf = (table: TableName) => TABLES[table].columns.map((c) => c.name);
const allNull = (table: TableName): NamedRow => Object.fromEntries(columnsOf(table).map((c) => [c, null]));
const rowsOf = (result: DecodeResult) => result.rows.map(({ table, row }) => ({ table, row: namedRow(table, row) }));
const frameOf = (service: string, timestamp: number, content: unknown[]) =>
  ({ data: [{ service, timestamp, command: 'SUBS', content }] });

/** A delta as Schwab sends one after the snapshot: the real item without its metadata. */
function deltaOf(item: Record<string, unknown>): Record<string, unknown> {
  const { delayed: _delayed, assetMainType: _type, ...rest } = item;
  return rest;
}

function only(result: DecodeResult, symbol: string): NamedRow {
  const found = rowsOf(result).filter((r) => r.row.symbol === symbol);
  expect(found).toHaveLength(1);
  return found[0]!.row;
}

// levelone-futures.jsonl line 1, /ES: every field 1–40 and the metadata, checked by hand against the frame.
const ES_ROW: NamedRow = {
  received_at: AT, symbol: '/ES',
  bid_price: 5536.5, ask_price: 5537, last_price: 5536.75, bid_size: 61, ask_size: 112, bid_id: '?', ask_id: '?',
  total_volume: 1250270, last_size: 2, quote_time: 1719002947349, trade_time: 1719002945728, high_price: 5550.75,
  low_price: 5519, close_price: 5544.5, exchange_id: '@', description: 'E-mini S&P 500 Index Futures,Sep-2024,ETH',
  last_id: '?', open_price: 5545, net_change: -7.75, future_percent_change: -0.13977816, exchange_name: 'XCME',
  security_status: 'Normal', open_interest: 1976987, mark: 5536.75, tick: 0.25, tick_amount: 12.5, product: '/ES',
  future_price_format: 'D,D', future_trading_hours: 'GLBX(de=1640;0=-17001600;1=r-17001600d-15551640;7=d-16401555)',
  future_is_tradable: false, future_multiplier: 50, future_is_active: true, future_settlement_price: 5544.5,
  future_active_symbol: '/ESU24', future_expiration_date: 1726804800000, expiration_style: 'Unknown',
  ask_time: 1719002947349, bid_time: 1719002946189, quoted_in_session: true, settlement_date: 1718928000000,
  delayed: false, asset_main_type: 'FUTURE', sentinel_fields: null, seq: null, sent_at: 1719002950099,
};

// levelone-futures-options.jsonl line 1, ./E3DM24P5490: every field 1–31.
const ES_PUT_ROW: NamedRow = {
  received_at: AT, symbol: './E3DM24P5490',
  bid_price: 9.6, ask_price: 9.7, last_price: 9.7, bid_size: 19, ask_size: 19,
  // Schwab sends the number 63 (the character code of "?") here: stored as sent, as text.
  bid_id: '63', ask_id: '63', total_volume: 959, last_size: 22, quote_time: 1718814960408, trade_time: 1718814929433,
  high_price: 11, low_price: 7.8, close_price: 11, last_id: '63', description: 'E-mini S&P 500 Options',
  open_price: 10, open_interest: 524, mark: 9.65, tick: 0.05, tick_amount: 2.5, future_multiplier: 50,
  future_settlement_price: 11, underlying_symbol: '/ESM24', strike_price: 5490, future_expiration_date: 1718856000000,
  expiration_style: 'Weeklys', contract_type: 'P', security_status: 'Normal', exchange: '@', exchange_name: 'XCME',
  delayed: false, asset_main_type: 'FUTURE_OPTION', sentinel_fields: null, seq: null, sent_at: 1718814961845,
};

// levelone-forex.jsonl line 1, EUR/USD: every field 1–29.
const EUR_USD_ROW: NamedRow = {
  received_at: AT, symbol: 'EUR/USD',
  bid_price: 1.07435, ask_price: 1.07448, last_price: 1.074415, bid_size: 3000000, ask_size: 1000000,
  total_volume: 14730000, last_size: 20000, quote_time: 1718811581092, trade_time: 1718811581092,
  high_price: 1.075305, low_price: 1.07272, close_price: 1.070485, exchange: '!', description: 'Euro/USDollar Spot',
  open_price: 1.07396, net_change: 0.00393, percent_change: 0, exchange_name: 'GFT', digits: 2,
  security_status: 'Unknown', tick: 0, tick_amount: 0, product: '', trading_hours: '', is_tradable: false,
  market_maker: '', high_52_week: 1.075305, low_52_week: 1.07272, mark: 1.074415,
  delayed: false, asset_main_type: 'FOREX', sentinel_fields: null, seq: null, sent_at: 1590599267920,
};

describe('LEVELONE_FUTURES', () => {
  it('maps every field of a real snapshot (/ES, fields 1–40) and the block timestamp to futures_quotes', () => {
    const result = new StreamDecoder().decodeFrame(captureFrame('levelone-futures.jsonl', 1), AT);
    expect(rowsOf(result).map((r) => [r.table, r.row.symbol])).toEqual([['futures_quotes', '/CL'], ['futures_quotes', '/ES']]);
    expect(result).toMatchObject({ rejects: [], unknown: [] });
    const row = only(result, '/ES');
    expect(row).toStrictEqual(ES_ROW);
    expect(Object.keys(row)).toEqual(columnsOf('futures_quotes'));
  });

  it('reads /CL as well: venue XNYM, the August contract, a point value of 1000', () => {
    const row = only(new StreamDecoder().decodeFrame(captureFrame('levelone-futures.jsonl', 1), AT), '/CL');
    expect(row).toMatchObject({
      bid_price: 80.61, ask_price: 80.62, last_price: 80.6, total_volume: 270916, future_percent_change: -0.84881289,
      exchange_name: 'XNYM', open_interest: 352314, tick: 0.01, tick_amount: 10, future_multiplier: 1000,
      future_active_symbol: '/CLQ24', future_expiration_date: 1721620800000, description: 'Light Sweet Crude Oil Futures,Aug-2024,ETH',
    });
  });

  it('merges a delta into the snapshot of its key: changed fields new, the others kept', () => {
    const decoder = new StreamDecoder();
    decoder.decodeFrame(captureFrame('levelone-futures.jsonl', 1), AT);
    const later = captureItem('levelone-futures.jsonl', 2, '/ES');
    const row = only(decoder.decodeFrame(frameOf('LEVELONE_FUTURES', 1765083430060, [deltaOf(later)]), AT + 1), '/ES');
    expect(row).toStrictEqual({
      ...ES_ROW, received_at: AT + 1, sent_at: 1765083430060,
      // from the delta: "1":6879.25,"2":6879.75,"3":6879.5,"4":11,"5":4,"6":"?"
      bid_price: 6879.25, ask_price: 6879.75, last_price: 6879.5, bid_size: 11, ask_size: 4, bid_id: '?',
    });
  });

  it('takes a real snapshot carrying only delayed and assetMainType as a snapshot: it replaces the key state', () => {
    const decoder = new StreamDecoder();
    decoder.decodeFrame(captureFrame('levelone-futures.jsonl', 1), AT);
    const row = only(decoder.decodeFrame(captureFrame('levelone-futures.jsonl', 2), AT + 1), '/ES');
    expect(row).toStrictEqual({
      ...allNull('futures_quotes'), received_at: AT + 1, symbol: '/ES', sent_at: 1765083430060,
      bid_price: 6879.25, ask_price: 6879.75, last_price: 6879.5, bid_size: 11, ask_size: 4, bid_id: '?',
      delayed: false, asset_main_type: 'FUTURE',
    });
  });
});

describe('LEVELONE_FUTURES_OPTIONS', () => {
  it('maps every field of a real snapshot (./E3DM24P5490, fields 1–31) to futures_option_quotes', () => {
    const result = new StreamDecoder().decodeFrame(captureFrame('levelone-futures-options.jsonl', 1), AT);
    expect(rowsOf(result).map((r) => [r.table, r.row.symbol])).toEqual([
      ['futures_option_quotes', './E3DM24P5490'], ['futures_option_quotes', './Q3DM24C19960'],
    ]);
    expect(result).toMatchObject({ rejects: [], unknown: [] });
    const row = only(result, './E3DM24P5490');
    expect(row).toStrictEqual(ES_PUT_ROW);
    expect(Object.keys(row)).toEqual(columnsOf('futures_option_quotes'));
  });

  it('reads the NASDAQ call next to it (./Q3DM24C19960 on /NQM24)', () => {
    const row = only(new StreamDecoder().decodeFrame(captureFrame('levelone-futures-options.jsonl', 1), AT), './Q3DM24C19960');
    expect(row).toMatchObject({
      bid_price: 54.25, ask_price: 56.5, contract_type: 'C', strike_price: 19960, underlying_symbol: '/NQM24',
      future_multiplier: 20, open_interest: 2, description: 'E-mini NASDAQ-100 Options',
    });
  });

  it('merges a delta into the snapshot, and a narrow real snapshot (./OGG26C4240, fields 1–5) starts its own key', () => {
    const decoder = new StreamDecoder();
    decoder.decodeFrame(captureFrame('levelone-futures-options.jsonl', 1), AT);
    const delta = { ...deltaOf(captureItem('levelone-futures-options.jsonl', 2, './OGG26C4240')), key: './E3DM24P5490' };
    const merged = only(decoder.decodeFrame(frameOf('LEVELONE_FUTURES_OPTIONS', 1765306046616, [delta]), AT + 1), './E3DM24P5490');
    expect(merged).toStrictEqual({
      ...ES_PUT_ROW, received_at: AT + 1, sent_at: 1765306046616,
      bid_price: 110.5, ask_price: 111.5, last_price: 101.7, bid_size: 25, ask_size: 39,
    });
    const gold = only(decoder.decodeFrame(captureFrame('levelone-futures-options.jsonl', 2), AT + 2), './OGG26C4240');
    expect(gold).toStrictEqual({
      ...allNull('futures_option_quotes'), received_at: AT + 2, symbol: './OGG26C4240', sent_at: 1765306046616,
      bid_price: 110.5, ask_price: 111.5, last_price: 101.7, bid_size: 25, ask_size: 39,
      delayed: false, asset_main_type: 'FUTURE_OPTION',
    });
  });
});

describe('LEVELONE_FOREX', () => {
  it('maps every field of a real snapshot (EUR/USD, fields 1–29) to forex_quotes', () => {
    const result = new StreamDecoder().decodeFrame(captureFrame('levelone-forex.jsonl', 1), AT);
    expect(rowsOf(result).map((r) => [r.table, r.row.symbol])).toEqual([['forex_quotes', 'EUR/GBP'], ['forex_quotes', 'EUR/USD']]);
    expect(result).toMatchObject({ rejects: [], unknown: [] });
    const row = only(result, 'EUR/USD');
    expect(row).toStrictEqual(EUR_USD_ROW);
    expect(Object.keys(row)).toEqual(columnsOf('forex_quotes'));
  });

  it('merges a delta (the 2025-12-07 EUR/USD fields 1–8) into the snapshot', () => {
    const decoder = new StreamDecoder();
    decoder.decodeFrame(captureFrame('levelone-forex.jsonl', 1), AT);
    const delta = deltaOf(captureItem('levelone-forex.jsonl', 2, 'EUR/USD'));
    const row = only(decoder.decodeFrame(frameOf('LEVELONE_FOREX', 1765084326675, [delta]), AT + 1), 'EUR/USD');
    expect(row).toStrictEqual({
      ...EUR_USD_ROW, received_at: AT + 1, sent_at: 1765084326675,
      bid_price: 1.1643, ask_price: 1.16443, last_price: 1.164365, bid_size: 100000, ask_size: 100000,
      total_volume: 0, last_size: 0, quote_time: 1764971942013,
    });
  });
});

describe('keys and ids Schwab really sends', () => {
  it('stores /ESZ25, ./OZCZ23C565 and "?" venue ids as sent, never rejecting them', () => {
    const es = captureItem('levelone-futures.jsonl', 2, '/ES');
    const option = captureItem('levelone-futures-options.jsonl', 2, './OGG26C4240');
    const decoder = new StreamDecoder();
    const futures = decoder.decodeFrame(frameOf('LEVELONE_FUTURES', AT, [{ ...es, key: '/ESZ25', '7': '?', '17': '?' }]), AT);
    const options = decoder.decodeFrame(frameOf('LEVELONE_FUTURES_OPTIONS', AT, [{ ...option, key: './OZCZ23C565' }]), AT);
    expect(futures.rejects).toEqual([]);
    expect(options.rejects).toEqual([]);
    expect(only(futures, '/ESZ25')).toMatchObject({ bid_id: '?', ask_id: '?', last_id: '?', bid_price: 6879.25 });
    expect(only(options, './OZCZ23C565')).toMatchObject({ bid_price: 110.5, asset_main_type: 'FUTURE_OPTION' });
  });

  it('keeps one merge state per service: /ES futures and an equity "ES" do not share a row', () => {
    const decoder = new StreamDecoder();
    decoder.decodeFrame(captureFrame('levelone-futures.jsonl', 1), AT);
    const equity = decoder.decodeFrame(frameOf('LEVELONE_EQUITIES', AT, [{ key: '/ES', '1': 1 }]), AT + 1);
    expect(rowsOf(equity)).toEqual([{ table: 'equity_quotes', row: expect.objectContaining({ symbol: '/ES', bid_price: 1, ask_price: null }) }]);
    const state = decoder.levelOneState();
    expect(Object.keys(state).sort()).toEqual(['LEVELONE_EQUITIES', 'LEVELONE_FUTURES']);
  });
});

describe('subscriptions', () => {
  const range = (last: number) => Array.from({ length: last + 1 }, (_, i) => i);

  it('asks for every documented field, ascending with 0 first (futures 0–40, futures options 0–31, forex 0–29, chart 0–6)', () => {
    expect(allFields('LEVELONE_FUTURES')).toEqual(range(40));
    expect(allFields('LEVELONE_FUTURES_OPTIONS')).toEqual(range(31));
    expect(allFields('LEVELONE_FOREX')).toEqual(range(29));
    expect(allFields('CHART_FUTURES')).toEqual(range(6));
  });

  it('subscribes futures keys with SUBS then ADD past the per-request limit, as the other services', () => {
    const limits = { maxKeysPerRequest: 2, maxKeysPerService: 500 };
    expect(initialPlan('LEVELONE_FUTURES', ['/ES', '/NQ', '/CL'], limits)).toEqual([
      { service: 'LEVELONE_FUTURES', command: 'SUBS', keys: ['/ES', '/NQ'], fields: range(40) },
      { service: 'LEVELONE_FUTURES', command: 'ADD', keys: ['/CL'], fields: range(40) },
    ]);
  });
});
