// GET /marketdata/v1/instruments (?symbol=A,B&projection=fundamental|symbol-search|...) and /instruments/{cusip}
// bodies → the symbols' reference data (a 'symbols' snapshot: description, exchange, cusip, asset type) and, with
// projection=fundamental, one 'fundamentals' row per symbol and day (schwab-protocol.md §6.7).
//
// Every field of Schwab's FundamentalInst schema is a typed column (FUNDAMENTAL_FIELDS, the spec's order). Real
// bodies (z-Wind/schwab_api Instruments_real.json, 2024-08) send 56 of its 58 fields — never corpactionDate and
// fundStrategy — omit the dividend dates of a stock without dividends (SNOW), and send dates as
// "2024-06-28 00:00:00.0". A field absent, null or of another type is stored as NULL.
//
// An instrument's symbol data only fills what no quote has said (authoritative: false): instruments name an ETF's
// asset type ETF where quotes say EQUITY, and quotes stay the authority (store/snapshots/symbols.ts).
import { DateTime } from 'luxon';
import { jsonExcerpt } from '../json-text.js';
import { isObject } from '../item.js';
import type { ColumnSpec, NamedRow } from '../tables.js';
import { symbolsSnapshot, type SymbolRow } from './quotes.js';
import { int4, num, schwabDate, text } from './trader.js';
import { emptyResult, type RestContext, type RestDecodeResult, type RestDecoder } from './types.js';

type Kind = 'double' | 'int' | 'date' | 'text';

/** Schwab's field → its column, in the order of the Market Data spec's FundamentalInst. */
export const FUNDAMENTAL_FIELDS: readonly { field: string; column: string; kind: Kind }[] = ([
  ['high52', 'high_52', 'double'], ['low52', 'low_52', 'double'], ['dividendAmount', 'dividend_amount', 'double'],
  ['dividendYield', 'dividend_yield', 'double'], ['dividendDate', 'dividend_date', 'date'], ['peRatio', 'pe_ratio', 'double'],
  ['pegRatio', 'peg_ratio', 'double'], ['pbRatio', 'pb_ratio', 'double'], ['prRatio', 'pr_ratio', 'double'],
  ['pcfRatio', 'pcf_ratio', 'double'], ['grossMarginTTM', 'gross_margin_ttm', 'double'], ['grossMarginMRQ', 'gross_margin_mrq', 'double'],
  ['netProfitMarginTTM', 'net_profit_margin_ttm', 'double'], ['netProfitMarginMRQ', 'net_profit_margin_mrq', 'double'],
  ['operatingMarginTTM', 'operating_margin_ttm', 'double'], ['operatingMarginMRQ', 'operating_margin_mrq', 'double'],
  ['returnOnEquity', 'return_on_equity', 'double'], ['returnOnAssets', 'return_on_assets', 'double'],
  ['returnOnInvestment', 'return_on_investment', 'double'], ['quickRatio', 'quick_ratio', 'double'],
  ['currentRatio', 'current_ratio', 'double'], ['interestCoverage', 'interest_coverage', 'double'],
  ['totalDebtToCapital', 'total_debt_to_capital', 'double'], ['ltDebtToEquity', 'lt_debt_to_equity', 'double'],
  ['totalDebtToEquity', 'total_debt_to_equity', 'double'], ['epsTTM', 'eps_ttm', 'double'],
  ['epsChangePercentTTM', 'eps_change_percent_ttm', 'double'], ['epsChangeYear', 'eps_change_year', 'double'],
  ['epsChange', 'eps_change', 'double'], ['revChangeYear', 'rev_change_year', 'double'], ['revChangeTTM', 'rev_change_ttm', 'double'],
  ['revChangeIn', 'rev_change_in', 'double'], ['sharesOutstanding', 'shares_outstanding', 'double'],
  ['marketCapFloat', 'market_cap_float', 'double'], ['marketCap', 'market_cap', 'double'],
  ['bookValuePerShare', 'book_value_per_share', 'double'], ['shortIntToFloat', 'short_int_to_float', 'double'],
  ['shortIntDayToCover', 'short_int_day_to_cover', 'double'], ['divGrowthRate3Year', 'div_growth_rate_3_year', 'double'],
  ['dividendPayAmount', 'dividend_pay_amount', 'double'], ['dividendPayDate', 'dividend_pay_date', 'date'], ['beta', 'beta', 'double'],
  ['vol1DayAvg', 'vol_1_day_avg', 'double'], ['vol10DayAvg', 'vol_10_day_avg', 'double'], ['vol3MonthAvg', 'vol_3_month_avg', 'double'],
  ['avg10DaysVolume', 'avg_10_days_volume', 'double'], ['avg1DayVolume', 'avg_1_day_volume', 'double'],
  ['avg3MonthVolume', 'avg_3_month_volume', 'double'], ['declarationDate', 'declaration_date', 'date'],
  ['dividendFreq', 'dividend_freq', 'int'], ['eps', 'eps', 'double'], ['corpactionDate', 'corpaction_date', 'date'],
  ['dtnVolume', 'dtn_volume', 'double'], ['nextDividendPayDate', 'next_dividend_pay_date', 'date'],
  ['nextDividendDate', 'next_dividend_date', 'date'], ['fundLeverageFactor', 'fund_leverage_factor', 'double'],
  ['fundStrategy', 'fund_strategy', 'text'],
] as const).map(([field, column, kind]) => ({ field, column, kind }));

const COLUMN_TYPES = { double: 'float8', int: 'int4', date: 'date', text: 'text' } as const;

/** The columns of `fundamentals` (sql/009), in table order. */
export const FUNDAMENTAL_COLUMNS: readonly ColumnSpec[] = [
  { name: 'symbol', type: 'text' }, { name: 'as_of_date', type: 'date' },
  ...FUNDAMENTAL_FIELDS.map(({ column, kind }): ColumnSpec => ({ name: column, type: COLUMN_TYPES[kind] })),
  { name: 'received_at', type: 'timestamptz' },
];

export interface FundamentalsSnapshot {
  /** Rows keyed by FUNDAMENTAL_COLUMNS' names. */
  rows: NamedRow[];
}

/** The trading day a body describes: the capture's calendar date in New York (a poll at 21:00 ET is that day's). */
export function asOfDate(receivedAt: number): string | null {
  return DateTime.fromMillis(receivedAt, { zone: 'America/New_York' }).toISODate();
}

const VALUE: Record<Kind, (value: unknown) => string | number | null> = {
  double: num, int: int4, date: schwabDate, text,
};

function fundamentalRow(symbol: string, fundamental: Record<string, unknown>, context: RestContext): NamedRow {
  const row: NamedRow = { symbol, as_of_date: asOfDate(context.receivedAt) };
  for (const { field, column, kind } of FUNDAMENTAL_FIELDS) row[column] = VALUE[kind](fundamental[field]);
  row['received_at'] = context.receivedAt;
  return row;
}

function symbolRow(instrument: Record<string, unknown>, symbol: string, context: RestContext): SymbolRow {
  const assetType = text(instrument['assetType']);
  const description = text(instrument['description']);
  return {
    symbol,
    // An equity's or ETF's description names its issuer ("Apple Inc", "VANGUARD TOTAL STOCK MARKET ETF").
    company_name: assetType === 'EQUITY' || assetType === 'ETF' ? description : null,
    description,
    asset_type: assetType,
    exchange: text(instrument['exchange']),
    cusip: text(instrument['cusip']),
    authoritative: false,
    observed_at: context.receivedAt,
  };
}

/** `{"instruments":[...]}`, or one instrument object (some clients show `/instruments/{cusip}` answering so). */
function instrumentsOf(body: unknown): unknown[] | null {
  if (!isObject(body)) return null;
  if (Array.isArray(body['instruments'])) return body['instruments'];
  return typeof body['symbol'] === 'string' ? [body] : null;
}

export const decodeInstruments: RestDecoder = (body, context) => {
  const result: RestDecodeResult = emptyResult();
  const instruments = instrumentsOf(body);
  if (instruments === null) {
    result.rejects.push({ table: 'symbols', reason: 'instruments body has no instruments list', raw: jsonExcerpt(body) });
    return result;
  }
  const symbols: SymbolRow[] = [];
  const fundamentals: NamedRow[] = [];
  for (const instrument of instruments) {
    const symbol = isObject(instrument) ? text(instrument['symbol']) : null;
    if (!isObject(instrument) || symbol === null || symbol === '') {
      result.rejects.push({ table: 'symbols', reason: 'instrument without a symbol', raw: jsonExcerpt(instrument) });
      continue;
    }
    symbols.push(symbolRow(instrument, symbol, context));
    const fundamental = instrument['fundamental'];
    if (fundamental === undefined || fundamental === null) continue;
    if (!isObject(fundamental)) {
      result.rejects.push({ table: 'fundamentals', reason: `fundamental of ${JSON.stringify(symbol)} is not an object`, raw: jsonExcerpt(fundamental) });
      continue;
    }
    // The fundamental block names its symbol too; the instrument's is the one the symbols row has.
    fundamentals.push(fundamentalRow(symbol, fundamental, context));
  }
  result.snapshots.push(...symbolsSnapshot(symbols));
  if (fundamentals.length > 0) result.snapshots.push({ kind: 'fundamentals', data: { rows: fundamentals } satisfies FundamentalsSnapshot });
  return result;
};
