// Field numbers of the streamer services we record, with the column each lands in and how its value is read.
// Source: shared/schwab-protocol.md §4 (GUIDE, schwab-py and Schwabdev agree on the level-one tables; CHART_EQUITY
// follows real traffic, not the GUIDE). Field 0 arrives as `key`. The simulator sends by these tables too.

/** How a wire value becomes a column value. */
export type FieldKind =
  | 'double'   // JSON number → double precision
  | 'int'      // JSON number → integer/bigint (rounded if Schwab sends 26.0)
  | 'text'     // JSON string (or char)
  | 'bool'     // JSON boolean
  | 'millis'   // ms since epoch → timestamptz
  | 'date'     // "2024-05-15 00:00:00.0" → date
  | 'tribool'  // -1 = unknown (NULL), 1 = true, 0 = false
  | 'count';   // integer where -1 means unknown (NULL)

export interface FieldSpec {
  column: string;
  kind: FieldKind;
}

export type FieldTable = Readonly<Record<number, FieldSpec>>;

const f = (column: string, kind: FieldKind): FieldSpec => ({ column, kind });

export const LEVELONE_EQUITIES: FieldTable = {
  1: f('bid_price', 'double'), 2: f('ask_price', 'double'), 3: f('last_price', 'double'),
  4: f('bid_size', 'int'), 5: f('ask_size', 'int'), 6: f('ask_id', 'text'), 7: f('bid_id', 'text'),
  8: f('total_volume', 'int'), 9: f('last_size', 'int'), 10: f('high_price', 'double'), 11: f('low_price', 'double'),
  12: f('close_price', 'double'), 13: f('exchange_id', 'text'), 14: f('marginable', 'bool'),
  15: f('description', 'text'), 16: f('last_id', 'text'), 17: f('open_price', 'double'), 18: f('net_change', 'double'),
  19: f('high_52_week', 'double'), 20: f('low_52_week', 'double'), 21: f('pe_ratio', 'double'),
  22: f('annual_dividend_amount', 'double'), 23: f('dividend_yield', 'double'), 24: f('nav', 'double'),
  25: f('exchange_name', 'text'), 26: f('dividend_date', 'date'), 27: f('regular_market_quote', 'bool'),
  28: f('regular_market_trade', 'bool'), 29: f('regular_market_last_price', 'double'),
  30: f('regular_market_last_size', 'int'), 31: f('regular_market_net_change', 'double'),
  32: f('security_status', 'text'), 33: f('mark_price', 'double'), 34: f('quote_time', 'millis'),
  35: f('trade_time', 'millis'), 36: f('regular_market_trade_time', 'millis'), 37: f('bid_time', 'millis'),
  38: f('ask_time', 'millis'), 39: f('ask_mic_id', 'text'), 40: f('bid_mic_id', 'text'), 41: f('last_mic_id', 'text'),
  42: f('net_percent_change', 'double'), 43: f('regular_market_percent_change', 'double'),
  44: f('mark_price_net_change', 'double'), 45: f('mark_price_percent_change', 'double'),
  46: f('hard_to_borrow_quantity', 'count'), 47: f('hard_to_borrow_rate', 'double'), 48: f('hard_to_borrow', 'tribool'),
  49: f('shortable', 'tribool'), 50: f('post_market_net_change', 'double'), 51: f('post_market_percent_change', 'double'),
};

export const LEVELONE_OPTIONS: FieldTable = {
  1: f('description', 'text'), 2: f('bid_price', 'double'), 3: f('ask_price', 'double'), 4: f('last_price', 'double'),
  5: f('high_price', 'double'), 6: f('low_price', 'double'), 7: f('close_price', 'double'), 8: f('total_volume', 'int'),
  9: f('open_interest', 'int'), 10: f('volatility', 'double'), 11: f('money_intrinsic_value', 'double'),
  12: f('expiration_year', 'int'), 13: f('multiplier', 'double'), 14: f('digits', 'int'), 15: f('open_price', 'double'),
  16: f('bid_size', 'int'), 17: f('ask_size', 'int'), 18: f('last_size', 'int'), 19: f('net_change', 'double'),
  20: f('strike_price', 'double'), 21: f('contract_type', 'text'), 22: f('underlying', 'text'),
  23: f('expiration_month', 'int'), 24: f('deliverables', 'text'), 25: f('time_value', 'double'),
  26: f('expiration_day', 'int'), 27: f('days_to_expiration', 'int'), 28: f('delta', 'double'), 29: f('gamma', 'double'),
  30: f('theta', 'double'), 31: f('vega', 'double'), 32: f('rho', 'double'), 33: f('security_status', 'text'),
  34: f('theoretical_option_value', 'double'), 35: f('underlying_price', 'double'), 36: f('uv_expiration_type', 'text'),
  37: f('mark_price', 'double'), 38: f('quote_time', 'millis'), 39: f('trade_time', 'millis'), 40: f('exchange', 'text'),
  41: f('exchange_name', 'text'), 42: f('last_trading_day', 'millis'), 43: f('settlement_type', 'text'),
  44: f('net_percent_change', 'double'), 45: f('mark_price_net_change', 'double'),
  46: f('mark_price_percent_change', 'double'), 47: f('implied_yield', 'double'), 48: f('is_penny_pilot', 'bool'),
  49: f('option_root', 'text'), 50: f('high_52_week', 'double'), 51: f('low_52_week', 'double'),
  52: f('indicative_ask_price', 'double'), 53: f('indicative_bid_price', 'double'), 54: f('indicative_quote_time', 'millis'),
  55: f('exercise_type', 'text'),
};

// Futures, futures options and forex (Guide §3.3–3.5, schwab-py's LevelOne*Fields and Schwabdev's translate.py agree
// on numbers and names; real snapshots in test/fixtures/captures confirm every field). Guide "long" counts are
// BIGINT columns (tables.ts); docs/protocol.md lists where real values differ from the Guide's notes.
export const LEVELONE_FUTURES: FieldTable = {
  1: f('bid_price', 'double'), 2: f('ask_price', 'double'), 3: f('last_price', 'double'), 4: f('bid_size', 'int'),
  5: f('ask_size', 'int'), 6: f('bid_id', 'text'), 7: f('ask_id', 'text'), 8: f('total_volume', 'int'),
  9: f('last_size', 'int'), 10: f('quote_time', 'millis'), 11: f('trade_time', 'millis'), 12: f('high_price', 'double'),
  13: f('low_price', 'double'), 14: f('close_price', 'double'), 15: f('exchange_id', 'text'),
  16: f('description', 'text'), 17: f('last_id', 'text'), 18: f('open_price', 'double'), 19: f('net_change', 'double'),
  20: f('future_percent_change', 'double'), 21: f('exchange_name', 'text'), 22: f('security_status', 'text'),
  23: f('open_interest', 'int'), 24: f('mark', 'double'), 25: f('tick', 'double'), 26: f('tick_amount', 'double'),
  27: f('product', 'text'), 28: f('future_price_format', 'text'), 29: f('future_trading_hours', 'text'),
  30: f('future_is_tradable', 'bool'), 31: f('future_multiplier', 'double'), 32: f('future_is_active', 'bool'),
  33: f('future_settlement_price', 'double'), 34: f('future_active_symbol', 'text'),
  35: f('future_expiration_date', 'millis'), 36: f('expiration_style', 'text'), 37: f('ask_time', 'millis'),
  38: f('bid_time', 'millis'), 39: f('quoted_in_session', 'bool'), 40: f('settlement_date', 'millis'),
};

export const LEVELONE_FUTURES_OPTIONS: FieldTable = {
  1: f('bid_price', 'double'), 2: f('ask_price', 'double'), 3: f('last_price', 'double'), 4: f('bid_size', 'int'),
  5: f('ask_size', 'int'), 6: f('bid_id', 'text'), 7: f('ask_id', 'text'), 8: f('total_volume', 'int'),
  9: f('last_size', 'int'), 10: f('quote_time', 'millis'), 11: f('trade_time', 'millis'), 12: f('high_price', 'double'),
  13: f('low_price', 'double'), 14: f('close_price', 'double'), 15: f('last_id', 'text'), 16: f('description', 'text'),
  17: f('open_price', 'double'), 18: f('open_interest', 'int'), 19: f('mark', 'double'), 20: f('tick', 'double'),
  21: f('tick_amount', 'double'), 22: f('future_multiplier', 'double'), 23: f('future_settlement_price', 'double'),
  24: f('underlying_symbol', 'text'), 25: f('strike_price', 'double'), 26: f('future_expiration_date', 'millis'),
  27: f('expiration_style', 'text'), 28: f('contract_type', 'text'), 29: f('security_status', 'text'),
  30: f('exchange', 'text'), 31: f('exchange_name', 'text'),
};

export const LEVELONE_FOREX: FieldTable = {
  1: f('bid_price', 'double'), 2: f('ask_price', 'double'), 3: f('last_price', 'double'), 4: f('bid_size', 'int'),
  5: f('ask_size', 'int'), 6: f('total_volume', 'int'), 7: f('last_size', 'int'), 8: f('quote_time', 'millis'),
  9: f('trade_time', 'millis'), 10: f('high_price', 'double'), 11: f('low_price', 'double'),
  12: f('close_price', 'double'), 13: f('exchange', 'text'), 14: f('description', 'text'), 15: f('open_price', 'double'),
  16: f('net_change', 'double'), 17: f('percent_change', 'double'), 18: f('exchange_name', 'text'),
  19: f('digits', 'int'), 20: f('security_status', 'text'), 21: f('tick', 'double'), 22: f('tick_amount', 'double'),
  23: f('product', 'text'), 24: f('trading_hours', 'text'), 25: f('is_tradable', 'bool'),
  26: f('market_maker', 'text'), 27: f('high_52_week', 'double'), 28: f('low_52_week', 'double'), 29: f('mark', 'double'),
};

/** Real order as the Guide has it (Schwabdev capture 2025-12-09): 1 bar start ms, 2-5 OHLC, 6 volume. */
export const CHART_FUTURES = { chartTime: 1, open: 2, high: 3, low: 4, close: 5, volume: 6 } as const;

/** Real order (schwab-py#80): 1 sequence, 2-5 OHLC, 6 volume, 7 bar start ms, 8 chart day. */
export const CHART_EQUITY = {
  sequence: 1, open: 2, high: 3, low: 4, close: 5, volume: 6, chartTime: 7, chartDay: 8,
} as const;

/** ACCT_ACTIVITY content fields. Field 1 is the plain account number: a secret. */
export const ACCT_ACTIVITY = { account: 1, messageType: 2, messageData: 3 } as const;

// NYSE_BOOK, NASDAQ_BOOK, OPTIONS_BOOK (Guide §4.1; schwab-py BookFields/BidFields/PerExchange*Fields; Schwabdev
// translate.py; real captures in test/fixtures/captures): an item is a whole book, a level a price with its venues.
export const BOOK = { bookTime: 1, bids: 2, asks: 3 } as const;
export const BOOK_LEVEL = { price: 0, size: 1, venueCount: 2, venues: 3 } as const;
/** `time` is ms since midnight US/Eastern in real traffic (the Guide says only "milliseconds"). */
export const BOOK_VENUE = { id: 0, size: 1, time: 2 } as const;

/** SCREENER_EQUITY, SCREENER_OPTION (Guide §6.1; schwab-py ScreenerFields; Schwabdev): field 4 is the ranked list. */
export const SCREENER = { timestamp: 1, sortField: 2, frequency: 3, items: 4 } as const;
/** The named fields of one ranked entry of SCREENER field 4. */
export const SCREENER_ITEM = [
  'symbol', 'description', 'lastPrice', 'netChange', 'netPercentChange', 'marketShare', 'totalVolume', 'volume', 'trades',
] as const;

export const SERVICES = [
  'LEVELONE_EQUITIES', 'LEVELONE_OPTIONS', 'CHART_EQUITY', 'ACCT_ACTIVITY',
  'LEVELONE_FUTURES', 'LEVELONE_FUTURES_OPTIONS', 'LEVELONE_FOREX', 'CHART_FUTURES',
  'NYSE_BOOK', 'NASDAQ_BOOK', 'OPTIONS_BOOK', 'SCREENER_EQUITY', 'SCREENER_OPTION',
] as const;
export type RecordedService = (typeof SERVICES)[number];

/** Every field number of a service's table, ascending with 0 first, as SUBS `fields` must be sent. */
export function allFields(service: RecordedService): number[] {
  switch (service) {
    case 'LEVELONE_EQUITIES': return [0, ...Object.keys(LEVELONE_EQUITIES).map(Number)];
    case 'LEVELONE_OPTIONS': return [0, ...Object.keys(LEVELONE_OPTIONS).map(Number)];
    case 'CHART_EQUITY': return [0, ...Object.values(CHART_EQUITY)];
    case 'ACCT_ACTIVITY': return [0, ...Object.values(ACCT_ACTIVITY)];
    case 'NYSE_BOOK': case 'NASDAQ_BOOK': case 'OPTIONS_BOOK': return [0, ...Object.values(BOOK)];
    case 'SCREENER_EQUITY': case 'SCREENER_OPTION': return [0, ...Object.values(SCREENER)];
    case 'LEVELONE_FUTURES': return [0, ...Object.keys(LEVELONE_FUTURES).map(Number)];
    case 'LEVELONE_FUTURES_OPTIONS': return [0, ...Object.keys(LEVELONE_FUTURES_OPTIONS).map(Number)];
    case 'LEVELONE_FOREX': return [0, ...Object.keys(LEVELONE_FOREX).map(Number)];
    case 'CHART_FUTURES': return [0, ...Object.values(CHART_FUTURES)];
  }
}
