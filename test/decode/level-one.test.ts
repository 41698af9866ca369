import { describe, expect, it } from 'vitest';
import { decodeLevelOne, levelOneTable, MAX_KEY_LENGTH, MAX_LEVEL_ONE_KEYS, type LevelOneService, type LevelOneState } from '../../src/decode/level-one.js';
import { namedRow, TABLES, type NamedRow } from '../../src/decode/tables.js';
import { contentOf, sampleLine } from '../support/samples.js';

const RECEIVED_AT = 1715777956200;

/** The merged row of `item`, keyed by column name. */
function decoded(service: LevelOneService, item: Record<string, unknown>, state: LevelOneState, at: number): NamedRow {
  const outcome = decodeLevelOne(service, item, state, at);
  if (!outcome.ok) throw new Error(outcome.reason);
  return namedRow(levelOneTable(service), outcome.row);
}

function item(file: string, line: number, key: string): Record<string, unknown> {
  const found = contentOf(sampleLine(file, line)).find((i) => i.key === key);
  if (found === undefined) throw new Error(`${file}:${line} has no ${key}`);
  return found;
}

const columnsOf = (table: keyof typeof TABLES) => TABLES[table].columns.map((c) => c.name);

// stream-levelone-equities.jsonl line 1, MSFT: every field 1–51 and the metadata, checked by hand against the frame.
const MSFT_ROW: NamedRow = {
  received_at: RECEIVED_AT, symbol: 'MSFT',
  bid_price: 417.01, ask_price: 417.08, last_price: 417.09, bid_size: 1, ask_size: 0, ask_id: 'Z', bid_id: 'Z',
  total_volume: 162750, last_size: 10, high_price: 0, low_price: 0, close_price: 415.81, exchange_id: 'Q',
  marginable: false, description: 'Microsoft Corp', last_id: 'Q', open_price: 0, net_change: 1.28,
  high_52_week: 430.82, low_52_week: 307.59, pe_ratio: 36.09605, annual_dividend_amount: 3, dividend_yield: 0.72513,
  nav: 0, exchange_name: 'NASDAQ', dividend_date: '2024-05-15', regular_market_quote: false,
  regular_market_trade: false, regular_market_last_price: 415.81, regular_market_last_size: 408,
  regular_market_net_change: 0, security_status: 'Unknown', mark_price: 417.01, quote_time: 1715777955574,
  trade_time: 1715777953982, regular_market_trade_time: 1715716801392, bid_time: 1715777955574,
  ask_time: 1715777955574, ask_mic_id: 'BATS', bid_mic_id: 'BATS', last_mic_id: 'XBOS',
  net_percent_change: 0.3078329, regular_market_percent_change: 0, mark_price_net_change: 1.2,
  mark_price_percent_change: 0.28859335, hard_to_borrow_quantity: 95711793, hard_to_borrow_rate: 0,
  hard_to_borrow: false, shortable: true, post_market_net_change: 1.28, post_market_percent_change: 0.3078329,
  delayed: true, asset_main_type: 'EQUITY', asset_sub_type: 'COE', cusip: '594918104', sentinel_fields: null, seq: null, sent_at: null,
};

// stream-levelone-options.jsonl line 1, GOOG 2024-05-17 70 call: every field 1–55, the metadata and the expiration.
const GOOG_CALL_ROW: NamedRow = {
  received_at: RECEIVED_AT, symbol: 'GOOG  240517C00070000', expiration_date: '2024-05-17',
  description: 'GOOG 05/17/2024 70.00 C', bid_price: 102.15, ask_price: 103.75, last_price: 103.07, high_price: 0,
  low_price: 0, close_price: 101.9504, total_volume: 0, open_interest: 5, volatility: 354.99208367,
  money_intrinsic_value: 102.9299, expiration_year: 2024, multiplier: 100, digits: 2, open_price: 0, bid_size: 20,
  ask_size: 20, last_size: 1, net_change: 1.1196, strike_price: 70, contract_type: 'C', underlying: 'GOOG',
  expiration_month: 5, deliverables: '100 GOOG', time_value: 0.14009969, expiration_day: 17, days_to_expiration: 2,
  delta: 0.99961827, gamma: 2.799e-05, theta: -0.01339331, vega: 0.00018508, rho: 0.00434917,
  security_status: 'Normal', theoretical_option_value: 103.02414938, underlying_price: 172.9299,
  uv_expiration_type: 'S', mark_price: 102.95, quote_time: 1715786878997, trade_time: 1714140219464, exchange: 'O',
  exchange_name: 'OPR', last_trading_day: 1715990400000, settlement_type: 'P', net_percent_change: 1.09818108,
  mark_price_net_change: 0.9996, mark_price_percent_change: 0.98047678, implied_yield: 0, is_penny_pilot: true,
  option_root: 'GOOG', high_52_week: 103.07, low_52_week: 68.45, indicative_ask_price: 0, indicative_bid_price: 0,
  // 0 is "no indicative quote" (not an index option): NULL, and flagged as a sentinel.
  indicative_quote_time: null, exercise_type: 'A',
  delayed: true, asset_main_type: 'OPTION', cusip: '', sentinel_fields: ['indicative_quote_time'], seq: null, sent_at: null,
};

describe('decodeLevelOne: snapshots', () => {
  it('maps every field of a LEVELONE_EQUITIES snapshot (MSFT, fields 1–51) to its column', () => {
    const row = decoded('LEVELONE_EQUITIES', item('stream-levelone-equities.jsonl', 1, 'MSFT'), new Map(), RECEIVED_AT);
    expect(row).toStrictEqual(MSFT_ROW);
    expect(Object.keys(row)).toEqual(columnsOf('equity_quotes'));
  });

  it('maps every field of a LEVELONE_OPTIONS snapshot (GOOG call, fields 1–55) and the expiration from the symbol', () => {
    const goog = item('stream-levelone-options.jsonl', 1, 'GOOG  240517C00070000');
    const row = decoded('LEVELONE_OPTIONS', goog, new Map(), RECEIVED_AT);
    expect(row).toStrictEqual(GOOG_CALL_ROW);
    expect(Object.keys(row)).toEqual(columnsOf('option_quotes'));
  });

  it('fills the requested fields of a narrow snapshot and leaves the rest NULL (SPXW, fields 1–8)', () => {
    const spxw = item('stream-levelone-options.jsonl', 2, 'SPXW  251208C06880000');
    const row = decoded('LEVELONE_OPTIONS', spxw, new Map(), RECEIVED_AT);
    expect(row).toMatchObject({
      symbol: 'SPXW  251208C06880000', expiration_date: '2025-12-08', description: 'SPXW 12/08/2025 6880.00 C',
      bid_price: 10.2, ask_price: 10.6, last_price: 10.6, high_price: 28.9, low_price: 6.9, close_price: 9.15,
      total_volume: 7961, delayed: false, asset_main_type: 'OPTION', cusip: null, strike_price: null,
      sentinel_fields: null,
    });
  });

  it('stores late-2025 share-sized bid/ask sizes raw (AMD "4":200,"5":100)', () => {
    const amd = item('stream-levelone-equities.jsonl', 4, 'AMD');
    expect(decoded('LEVELONE_EQUITIES', amd, new Map(), RECEIVED_AT)).toMatchObject({ bid_size: 200, ask_size: 100 });
  });
});

describe('decodeLevelOne: deltas', () => {
  const SNAPSHOT_AT = 1712595046811;
  const DELTA_AT = 1712596160609;

  function decodeLines(): Map<string, NamedRow> {
    const state: LevelOneState = new Map();
    for (const i of contentOf(sampleLine('stream-levelone-equities.jsonl', 2))) {
      decodeLevelOne('LEVELONE_EQUITIES', i, state, SNAPSHOT_AT);
    }
    const rows = new Map<string, NamedRow>();
    for (const i of contentOf(sampleLine('stream-levelone-equities.jsonl', 3))) {
      rows.set(i.key as string, decoded('LEVELONE_EQUITIES', i, state, DELTA_AT));
    }
    return rows;
  }

  it('merges a delta into the last snapshot of its key, so the stored row is complete (QQQ)', () => {
    expect(decodeLines().get('QQQ')).toStrictEqual({
      ...Object.fromEntries(columnsOf('equity_quotes').map((c) => [c, null])),
      received_at: DELTA_AT, symbol: 'QQQ',
      // from the delta: "1":440.96,"4":16,"5":6,"7":"Z"
      bid_price: 440.96, bid_size: 16, ask_size: 6, bid_id: 'Z',
      // from the snapshot, unchanged
      ask_price: 440.79, last_price: 440.78, ask_id: 'Z', total_volume: 15456387, last_size: 100, high_price: 442.5,
      low_price: 439.2, close_price: 440.47, exchange_id: 'Q', marginable: false,
      description: 'INVSC QQQ TRUST SRS 1 ETF IV', last_id: 'L',
      delayed: true, asset_main_type: 'EQUITY', asset_sub_type: 'ETF', cusip: '46090E103',
    });
  });

  it('keeps every snapshot field a delta does not change (CAVA, SPY)', () => {
    const rows = decodeLines();
    expect(rows.get('CAVA')).toMatchObject({
      bid_price: 64.89, ask_price: 65.08, last_price: 64.89, bid_size: 0, ask_size: 0, ask_id: 'Z', bid_id: 'Z',
      total_volume: 403310, description: 'CAVA GROUP INC', cusip: '148929102',
    });
    expect(rows.get('SPY')).toMatchObject({
      bid_price: 519.08, ask_price: 519.09, last_price: 519.205, bid_size: 0, ask_size: 7, bid_id: 'Z',
      total_volume: 22421029, exchange_id: 'P', description: 'SPDR S&P 500 ETF', asset_sub_type: 'ETF',
    });
  });

  it('does not change a row already emitted when a later delta merges into its key', () => {
    const state: LevelOneState = new Map();
    const first = decodeLevelOne('LEVELONE_EQUITIES', { key: 'AMD', delayed: false, '1': 1, '46': -1 }, state, 1);
    decodeLevelOne('LEVELONE_EQUITIES', { key: 'AMD', '1': 2, '46': 5 }, state, 2);
    if (!first.ok) throw new Error(first.reason);
    expect(namedRow('equity_quotes', first.row)).toMatchObject({ received_at: 1, bid_price: 1, hard_to_borrow_quantity: null, sentinel_fields: ['hard_to_borrow_quantity'] });
  });

  it('fills only the delta\'s fields for a key it has never seen, and leaves the metadata NULL (XOM)', () => {
    const xom = decodeLines().get('XOM');
    expect(xom).toMatchObject({
      received_at: DELTA_AT, symbol: 'XOM', bid_price: 121.25, ask_price: 121.26, last_price: 121.25, bid_size: 1,
      ask_size: 9, ask_id: 'Z', total_volume: 8161486, delayed: null, asset_main_type: null, cusip: null,
      close_price: null, description: null,
    });
  });

  it('starts over from a new snapshot of a key instead of merging into the old state', () => {
    const state: LevelOneState = new Map();
    decodeLevelOne('LEVELONE_EQUITIES', { key: 'AMD', delayed: true, '1': 1, '15': 'Advanced Micro Devic' }, state, 1);
    const row = decoded('LEVELONE_EQUITIES', { key: 'AMD', delayed: false, '1': 2 }, state, 2);
    expect(row).toMatchObject({ bid_price: 2, description: null, delayed: false });
  });
});

describe('decodeLevelOne: sentinels', () => {
  it('stores -999 greeks as NULL and lists them in sentinel_fields', () => {
    const goog = { ...item('stream-levelone-options.jsonl', 1, 'GOOG  240517C00070000'), 28: -999, 29: -999.0, 32: -999 };
    const row = decoded('LEVELONE_OPTIONS', goog, new Map(), RECEIVED_AT);
    expect(row).toMatchObject({ delta: null, gamma: null, theta: -0.01339331, vega: 0.00018508, rho: null });
    expect(row.sentinel_fields).toEqual(['delta', 'gamma', 'rho', 'indicative_quote_time']);
  });

  it('stores "NaN" as NULL and lists it', () => {
    const row = decoded('LEVELONE_OPTIONS', { key: 'GOOG  240517C00070000', '10': 'NaN', '28': 'NaN' }, new Map(), 1);
    expect(row).toMatchObject({ volatility: null, delta: null, sentinel_fields: ['volatility', 'delta'] });
  });

  it('stores -1 hard-to-borrow values as NULL and lists them', () => {
    const msft = { ...item('stream-levelone-equities.jsonl', 1, 'MSFT'), 46: -1, 48: -1, 49: -1 };
    const row = decoded('LEVELONE_EQUITIES', msft, new Map(), RECEIVED_AT);
    expect(row).toMatchObject({ hard_to_borrow_quantity: null, hard_to_borrow: null, shortable: null, hard_to_borrow_rate: 0 });
    expect(row.sentinel_fields).toEqual(['hard_to_borrow_quantity', 'hard_to_borrow', 'shortable']);
  });

  it('keeps a column listed while its NULL comes from a sentinel and unlists it when a real value arrives', () => {
    const state: LevelOneState = new Map();
    decodeLevelOne('LEVELONE_OPTIONS', { key: 'GOOG  240517C00070000', delayed: true, '28': -999, '29': -999 }, state, 1);
    const row = decoded('LEVELONE_OPTIONS', { key: 'GOOG  240517C00070000', '28': 0.5 }, state, 2);
    expect(row).toMatchObject({ delta: 0.5, gamma: null, sentinel_fields: ['gamma'] });
  });

  it('keeps the quote of a key that is not an OCC symbol and flags its missing expiration', () => {
    const row = decoded('LEVELONE_OPTIONS', { key: 'GOOG 240517C70', delayed: true, '2': 1.5 }, new Map(), 1);
    expect(row).toMatchObject({ symbol: 'GOOG 240517C70', bid_price: 1.5, expiration_date: null, sentinel_fields: ['expiration_date'] });
  });
});

describe('decodeLevelOne: unknown and invalid', () => {
  it('ignores an unknown field number for the row, reports it, and still decodes the known fields', () => {
    const outcome = decodeLevelOne('LEVELONE_EQUITIES', { key: 'AMD', delayed: false, '1': 217.86, '99': 5, foo: 'x' }, new Map(), 1);
    expect(outcome).toMatchObject({ ok: true, unknownFields: ['99', 'foo'] });
    if (!outcome.ok) return;
    expect(namedRow('equity_quotes', outcome.row)).toMatchObject({ symbol: 'AMD', bid_price: 217.86 });
    expect(outcome.row).toHaveLength(columnsOf('equity_quotes').length);
  });

  it('reports item keys that are Object.prototype members as unknown fields', () => {
    const outcome = decodeLevelOne('LEVELONE_EQUITIES', { key: 'AMD', constructor: 1, toString: 2, '1': 3 }, new Map(), 1);
    expect(outcome).toMatchObject({ ok: true, unknownFields: ['constructor', 'toString'] });
    if (outcome.ok) expect(namedRow('equity_quotes', outcome.row)).toMatchObject({ bid_price: 3 });
  });

  it('accepts assetSubType on an option as metadata without a column', () => {
    const outcome = decodeLevelOne('LEVELONE_OPTIONS', { key: 'GOOG  240517C00070000', assetSubType: 'X' }, new Map(), 1);
    expect(outcome).toMatchObject({ ok: true, unknownFields: [] });
  });

  it('rejects an item without a key', () => {
    expect(decodeLevelOne('LEVELONE_EQUITIES', { '1': 2 }, new Map(), 1)).toEqual({ ok: false, reason: 'item has no key (symbol)' });
    expect(decodeLevelOne('LEVELONE_EQUITIES', { key: 5 }, new Map(), 1)).toMatchObject({ ok: false });
  });
});

describe('the level-one key cap', () => {
  it('keeps merge state for at most MAX_LEVEL_ONE_KEYS keys; past it a new key is stored as sent, not merged, and not kept', () => {
    const state: LevelOneState = new Map();
    for (let i = 0; i < MAX_LEVEL_ONE_KEYS; i++) decodeLevelOne('LEVELONE_EQUITIES', { key: `K${i}`, 1: i }, state, RECEIVED_AT);
    const first = decodeLevelOne('LEVELONE_EQUITIES', { key: 'EXTRA', 1: 1.5, 2: 2.5 }, state, RECEIVED_AT);
    const delta = decodeLevelOne('LEVELONE_EQUITIES', { key: 'EXTRA', 2: 2.75 }, state, RECEIVED_AT);
    expect(state.size).toBe(MAX_LEVEL_ONE_KEYS);
    expect(state.has('EXTRA')).toBe(false);
    expect(first).toMatchObject({ ok: true, untracked: true });
    expect(delta).toMatchObject({ ok: true, untracked: true });
    if (!delta.ok) throw new Error('decoded');
    expect(namedRow('equity_quotes', delta.row)).toMatchObject({ symbol: 'EXTRA', bid_price: null, ask_price: 2.75 });
    // A key already kept still merges at the cap.
    const kept = decodeLevelOne('LEVELONE_EQUITIES', { key: 'K7', 2: 9 }, state, RECEIVED_AT);
    expect(kept.ok && kept.untracked).toBeFalsy();
    if (!kept.ok) throw new Error('decoded');
    expect(namedRow('equity_quotes', kept.row)).toMatchObject({ symbol: 'K7', bid_price: 7, ask_price: 9 });
  });
});

describe('level-one keys', () => {
  it('rejects a key longer than any real symbol, and keeps no state for it', () => {
    const state: LevelOneState = new Map();
    const key = 'K'.repeat(MAX_KEY_LENGTH + 1);
    expect(decodeLevelOne('LEVELONE_EQUITIES', { key, 1: 1 }, state, RECEIVED_AT))
      .toEqual({ ok: false, reason: `item key longer than ${MAX_KEY_LENGTH} characters` });
    expect(state.size).toBe(0);
    expect(decodeLevelOne('LEVELONE_OPTIONS', { key: 'GOOGL 251212C00315000', 2: 1 }, state, RECEIVED_AT).ok).toBe(true);
  });
});
