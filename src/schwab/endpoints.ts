// The Schwab REST endpoints the recorder uses, as typed calls with Schwab's parameter formats
// (shared/schwab-protocol.md §2, §6). Paths hang below schwab.apiBaseUrl; account paths take the hashValue.
import { DateTime } from 'luxon';
import { RecorderError } from '../errors.js';
import type { Query, RestClient } from './rest-client.js';
import { accountNumbersSchema, accountSchema, accountsSchema, type Account, type AccountNumbers, type Accounts } from './schemas/accounts.js';
import { instrumentsSchema, type Instruments } from './schemas/instruments.js';
import { expirationChainSchema, optionChainSchema, type ExpirationChain, type OptionChain } from './schemas/chains.js';
import { marketsSchema, type Markets } from './schemas/markets.js';
import { moversSchema, type Movers } from './schemas/movers.js';
import { ordersSchema, type Orders } from './schemas/orders.js';
import { priceHistorySchema, type PriceHistory } from './schemas/price-history.js';
import { quotesSchema, type Quotes } from './schemas/quotes.js';
import { transactionsSchema, type Transactions } from './schemas/transactions.js';
import { userPreferenceSchema, type UserPreference } from './schemas/user-preference.js';

const TRADER = '/trader/v1';
const MARKET_DATA = '/marketdata/v1';

/** An instant: a Date, epoch milliseconds or a luxon DateTime. */
export type Instant = Date | number | DateTime;

/** Every transaction type; `types` is required by Schwab, so this is the default. */
export const TRANSACTION_TYPES = [
  'TRADE', 'RECEIVE_AND_DELIVER', 'DIVIDEND_OR_INTEREST', 'ACH_RECEIPT', 'ACH_DISBURSEMENT', 'CASH_RECEIPT',
  'CASH_DISBURSEMENT', 'ELECTRONIC_FUND', 'WIRE_OUT', 'WIRE_IN', 'JOURNAL', 'MEMORANDUM', 'MARGIN_CALL',
  'MONEY_MARKET', 'SMA_ADJUSTMENT',
] as const;

export interface OrdersQuery {
  fromEnteredTime: Instant;
  toEnteredTime: Instant;
  /** Open string: WORKING, FILLED, CANCELED, ... */
  status?: string;
  /** Schwab's default and maximum: 3000. */
  maxResults?: number;
}

export interface TransactionsQuery {
  startDate: Instant;
  endDate: Instant;
  types?: readonly string[];
  symbol?: string;
}

export interface PriceHistoryQuery {
  symbol: string;
  periodType?: 'day' | 'month' | 'year' | 'ytd';
  period?: number;
  frequencyType: 'minute' | 'daily' | 'weekly' | 'monthly';
  frequency: number;
  startDate?: Instant;
  endDate?: Instant;
  needExtendedHoursData?: boolean;
  needPreviousClose?: boolean;
}

export interface ChainsQuery {
  symbol: string;
  contractType?: 'CALL' | 'PUT' | 'ALL';
  /** Bound every chain (strikeCount and/or dates): a full $SPX chain fails with "Body buffer overflow". */
  strikeCount?: number;
  includeUnderlyingQuote?: boolean;
  strategy?: string;
  interval?: number;
  strike?: number;
  range?: string;
  /** `yyyy-MM-dd`. */
  fromDate?: string;
  toDate?: string;
  volatility?: number;
  underlyingPrice?: number;
  interestRate?: number;
  daysToExpiration?: number;
  expMonth?: string;
  optionType?: string;
  entitlement?: 'PN' | 'NP' | 'PP';
}

export type InstrumentProjection = 'symbol-search' | 'symbol-regex' | 'desc-search' | 'desc-regex' | 'search' | 'fundamental';
export type QuoteFields = 'all' | 'quote' | 'fundamental' | 'extended' | 'reference' | 'regular';
export type Market = 'equity' | 'option' | 'bond' | 'future' | 'forex';
/** What /movers ranks (the streamer's screener prefixes); sorts and frequencies as Schwab lists them. */
export type MoversIndex = '$DJI' | '$COMPX' | '$SPX' | 'NYSE' | 'NASDAQ' | 'OTCBB' | 'INDEX_ALL' | 'EQUITY_ALL' | 'OPTION_ALL' | 'OPTION_PUT' | 'OPTION_CALL';
export type MoversSort = 'VOLUME' | 'TRADES' | 'PERCENT_CHANGE_UP' | 'PERCENT_CHANGE_DOWN';
export type MoversFrequency = 0 | 1 | 5 | 10 | 30 | 60;

export class SchwabApi {
  constructor(private readonly rest: RestClient) {}

  /** Streamer URL and ids (`streamerInfo[0]`), the user's accounts (numbers masked) and market-data entitlements. */
  userPreference(): Promise<UserPreference> {
    return this.rest.get({ endpoint: 'userPreference', path: `${TRADER}/userPreference`, schema: userPreferenceSchema });
  }

  /** Account numbers (masked) with their hashValue, which every account path takes. */
  accountNumbers(): Promise<AccountNumbers> {
    return this.rest.get({ endpoint: 'accountNumbers', path: `${TRADER}/accounts/accountNumbers`, schema: accountNumbersSchema });
  }

  accounts(fields?: 'positions'): Promise<Accounts> {
    return this.rest.get({ endpoint: 'accounts', path: `${TRADER}/accounts`, query: { fields }, schema: accountsSchema });
  }

  account(hash: string, fields?: 'positions'): Promise<Account> {
    return this.rest.get({ endpoint: 'account', path: `${TRADER}/accounts/${segment(hash)}`, query: { fields }, schema: accountSchema });
  }

  orders(hash: string, query: OrdersQuery): Promise<Orders> {
    return this.rest.get({ endpoint: 'orders', path: `${TRADER}/accounts/${segment(hash)}/orders`, query: ordersQuery(query), schema: ordersSchema });
  }

  /** Orders of every linked account. */
  allOrders(query: OrdersQuery): Promise<Orders> {
    return this.rest.get({ endpoint: 'allOrders', path: `${TRADER}/orders`, query: ordersQuery(query), schema: ordersSchema });
  }

  transactions(hash: string, query: TransactionsQuery): Promise<Transactions> {
    return this.rest.get({
      endpoint: 'transactions',
      path: `${TRADER}/accounts/${segment(hash)}/transactions`,
      query: {
        startDate: schwabTime(query.startDate),
        endDate: schwabTime(query.endDate),
        types: query.types ?? TRANSACTION_TYPES,
        symbol: query.symbol,
      },
      schema: transactionsSchema,
    });
  }

  priceHistory(query: PriceHistoryQuery): Promise<PriceHistory> {
    return this.rest.get({
      endpoint: 'priceHistory',
      path: `${MARKET_DATA}/pricehistory`,
      query: {
        symbol: query.symbol,
        periodType: query.periodType,
        period: query.period,
        frequencyType: query.frequencyType,
        frequency: query.frequency,
        startDate: query.startDate === undefined ? undefined : epochMillis(query.startDate),
        endDate: query.endDate === undefined ? undefined : epochMillis(query.endDate),
        needExtendedHoursData: query.needExtendedHoursData,
        needPreviousClose: query.needPreviousClose,
      },
      schema: priceHistorySchema,
    });
  }

  chains(query: ChainsQuery): Promise<OptionChain> {
    const { fromDate, toDate, ...rest } = query;
    const params: Query = { ...rest, fromDate: calendarDate('fromDate', fromDate), toDate: calendarDate('toDate', toDate) };
    return this.rest.get({ endpoint: 'chains', path: `${MARKET_DATA}/chains`, query: params, schema: optionChainSchema });
  }

  expirationChain(symbol: string): Promise<ExpirationChain> {
    return this.rest.get({ endpoint: 'expirationChain', path: `${MARKET_DATA}/expirationchain`, query: { symbol }, schema: expirationChainSchema });
  }

  /** Keyed by the requested symbol; unknown symbols come back under `errors`. */
  quotes(symbols: readonly string[], options: { fields?: readonly QuoteFields[]; indicative?: boolean } = {}): Promise<Quotes> {
    return this.rest.get({
      endpoint: 'quotes',
      path: `${MARKET_DATA}/quotes`,
      query: { symbols, fields: options.fields, indicative: options.indicative },
      schema: quotesSchema,
    });
  }

  /** Reference data of `symbols`; with projection `fundamental`, each with its fundamentals. Unknown symbols are left out. */
  instruments(symbols: readonly string[], projection: InstrumentProjection): Promise<Instruments> {
    return this.rest.get({ endpoint: 'instruments', path: `${MARKET_DATA}/instruments`, query: { symbol: symbols, projection }, schema: instrumentsSchema });
  }

  /** The top ten of `index` by `sort` over the last `frequency` minutes (0 = the whole day). */
  movers(index: MoversIndex, sort: MoversSort, frequency: MoversFrequency): Promise<Movers> {
    return this.rest.get({ endpoint: 'movers', path: `${MARKET_DATA}/movers/${segment(index)}`, query: { sort, frequency }, schema: moversSchema });
  }

  /** Hours of the given markets on `date` (`yyyy-MM-dd`, default today; up to a year ahead). */
  markets(markets: readonly Market[], date?: string): Promise<Markets> {
    return this.rest.get({
      endpoint: 'markets',
      path: `${MARKET_DATA}/markets`,
      query: { markets, date: calendarDate('date', date) },
      schema: marketsSchema,
    });
  }
}

function ordersQuery(query: OrdersQuery): Query {
  return {
    fromEnteredTime: schwabTime(query.fromEnteredTime),
    toEnteredTime: schwabTime(query.toEnteredTime),
    status: query.status,
    maxResults: query.maxResults,
  };
}

function toDateTime(instant: Instant): DateTime {
  if (DateTime.isDateTime(instant)) return instant;
  return typeof instant === 'number' ? DateTime.fromMillis(instant) : DateTime.fromJSDate(instant);
}

/** Orders and transactions take `yyyy-MM-dd'T'HH:mm:ss.SSSZ` in UTC, e.g. `2024-03-29T00:00:00.000Z`. */
export function schwabTime(instant: Instant): string {
  const time = toDateTime(instant);
  if (!time.isValid) throw new RecorderError('USAGE', 'invalid time for a Schwab query');
  return time.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'");
}

function epochMillis(instant: Instant): number {
  return toDateTime(instant).toMillis();
}

function calendarDate(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !DateTime.fromISO(value).isValid) {
    throw new RecorderError('USAGE', `${name} must be a date as yyyy-MM-dd`);
  }
  return value;
}

function segment(value: string): string {
  return encodeURIComponent(value);
}
