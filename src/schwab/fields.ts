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

/** Real order (schwab-py#80): 1 sequence, 2-5 OHLC, 6 volume, 7 bar start ms, 8 chart day. */
export const CHART_EQUITY = {
  sequence: 1, open: 2, high: 3, low: 4, close: 5, volume: 6, chartTime: 7, chartDay: 8,
} as const;

/** ACCT_ACTIVITY content fields. Field 1 is the plain account number: a secret. */
export const ACCT_ACTIVITY = { account: 1, messageType: 2, messageData: 3 } as const;

export const SERVICES = ['LEVELONE_EQUITIES', 'LEVELONE_OPTIONS', 'CHART_EQUITY', 'ACCT_ACTIVITY'] as const;
export type RecordedService = (typeof SERVICES)[number];

/** Every field number of a service's table, ascending with 0 first, as SUBS `fields` must be sent. */
export function allFields(service: RecordedService): number[] {
  switch (service) {
    case 'LEVELONE_EQUITIES': return [0, ...Object.keys(LEVELONE_EQUITIES).map(Number)];
    case 'LEVELONE_OPTIONS': return [0, ...Object.keys(LEVELONE_OPTIONS).map(Number)];
    case 'CHART_EQUITY': return [0, ...Object.values(CHART_EQUITY)];
    case 'ACCT_ACTIVITY': return [0, ...Object.values(ACCT_ACTIVITY)];
  }
}
