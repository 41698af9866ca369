// REST option chains and expiration chains, shaped like rest-chains-AAPL-2024-10-18-truncated.json and
// rest-expirationchain-AAPL-2024-05-17.json (field names of real captures, not of the spec).
import { daysBetween, etDateOf, optionExpirationTime } from './calendar.js';
import { round2, type Market } from './market.js';
import {
  INTEREST_RATE_PERCENT, SENTINEL, optionDescription, type Contract, type OptionBook, type OptionQuote,
} from './options.js';

export interface ChainQuery {
  symbol: string;
  contractType: 'CALL' | 'PUT' | 'ALL';
  strikeCount?: number;
  includeUnderlyingQuote: boolean;
  strategy: string;
  range: string;
  strike?: number;
  fromDate?: string;
  toDate?: string;
  expMonth: string;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

const r3 = (value: number): number => Math.round(value * 1000) / 1000;

/** Chains round greeks to three decimals; the sentinel and NaN pass through. */
function greek(value: number): number | string {
  if (Number.isNaN(value)) return 'NaN';
  return value === SENTINEL ? SENTINEL : r3(value);
}

export function chainContract(q: OptionQuote): Record<string, unknown> {
  const { contract } = q;
  const netChange = q.last > 0 ? round2(q.last - q.close) : 0;
  const markChange = round2(q.mark - q.close);
  const pct = (change: number): number => (q.close > 0 ? round2((change / q.close) * 100) : 0);
  const deliverable = contract.underlying;
  return {
    putCall: contract.call ? 'CALL' : 'PUT',
    symbol: contract.symbol,
    description: optionDescription(contract.root, contract.expiration.date, contract.call, contract.strike),
    exchangeName: 'OPR',
    bid: q.bid,
    ask: q.ask,
    last: q.last,
    mark: q.mark,
    bidSize: q.bidSize,
    askSize: q.askSize,
    bidAskSize: `${q.bidSize}X${q.askSize}`,
    lastSize: q.lastSize,
    highPrice: q.high,
    lowPrice: q.low,
    openPrice: q.open,
    closePrice: q.close,
    totalVolume: q.volume,
    tradeTimeInLong: q.tradeTime,
    quoteTimeInLong: q.quoteTime,
    netChange,
    volatility: Number.isNaN(q.volatility) ? 'NaN' : r3(q.volatility),
    delta: greek(q.greeks.delta),
    gamma: greek(q.greeks.gamma),
    theta: greek(q.greeks.theta),
    vega: greek(q.greeks.vega),
    rho: greek(q.greeks.rho),
    openInterest: q.openInterest,
    timeValue: round2((q.last > 0 ? q.last : q.mid) - q.intrinsic),
    theoreticalOptionValue: r3(q.theoreticalValue),
    theoreticalVolatility: r3(q.theoreticalVolatility),
    optionDeliverablesList: [
      { symbol: deliverable, assetType: deliverable.startsWith('$') ? 'INDEX' : 'STOCK', deliverableUnits: 100 },
    ],
    strikePrice: contract.strike,
    expirationDate: optionExpirationTime(contract.expiration.date),
    daysToExpiration: q.daysToExpiration,
    expirationType: contract.expiration.type,
    lastTradingDay: q.lastTradingDay,
    multiplier: 100,
    settlementType: contract.expiration.settlement,
    deliverableNote: deliverable.startsWith('$') ? '' : `100 ${deliverable}`,
    percentChange: pct(netChange),
    markChange,
    markPercentChange: pct(markChange),
    intrinsicValue: round2(q.intrinsic),
    extrinsicValue: round2(q.last - q.intrinsic),
    optionRoot: contract.root,
    exerciseType: contract.exercise,
    high52Week: q.high52,
    low52Week: q.low52,
    nonStandard: false,
    pennyPilot: q.pennyPilot,
    inTheMoney: q.intrinsic > 0,
    mini: false,
  };
}

function underlyingQuote(market: Market, symbol: string): Record<string, unknown> | null {
  const quote = market.quote(symbol);
  const instrument = market.instrument(symbol);
  if (quote === undefined || instrument === undefined) return null;
  const mark = quote.bid > 0 ? round2((quote.bid + quote.ask) / 2) : quote.last;
  const change = round2(quote.last - quote.close);
  return {
    symbol, description: instrument.description, change, percentChange: round2((change / quote.close) * 100),
    close: quote.close, quoteTime: quote.quoteTime, tradeTime: quote.tradeTime, bid: quote.bid, ask: quote.ask,
    last: quote.last, mark, markChange: round2(mark - quote.close),
    markPercentChange: round2(((mark - quote.close) / quote.close) * 100), bidSize: quote.bidSize,
    askSize: quote.askSize, highPrice: quote.high, lowPrice: quote.low, openPrice: quote.open,
    totalVolume: quote.totalVolume, exchangeName: instrument.exchangeName, fiftyTwoWeekHigh: quote.high52,
    fiftyTwoWeekLow: quote.low52, delayed: false,
  };
}

/** Body of GET /marketdata/v1/chains. */
export function optionChain(book: OptionBook, market: Market, query: ChainQuery): Record<string, unknown> {
  const instrument = market.instrument(query.symbol);
  const head = {
    symbol: query.symbol,
    status: 'SUCCESS',
    ...(query.includeUnderlyingQuote ? { underlying: underlyingQuote(market, query.symbol) } : {}),
    strategy: query.strategy,
    interval: 0,
    isDelayed: false,
    isIndex: query.symbol.startsWith('$'),
    interestRate: INTEREST_RATE_PERCENT,
  };
  if (instrument === undefined || !book.isUnderlying(query.symbol)) {
    return {
      ...head, status: 'FAILED', underlyingPrice: 0, volatility: 29, daysToExpiration: 0, numberOfContracts: 0,
      isChainTruncated: false, callExpDateMap: {}, putExpDateMap: {},
    };
  }
  const spot = market.last(query.symbol);
  const today = etDateOf(market.clock());
  const callExpDateMap: Record<string, Record<string, unknown[]>> = {};
  const putExpDateMap: Record<string, Record<string, unknown[]>> = {};
  let count = 0;
  let strikes = book.strikes(query.symbol, spot);
  if (query.strike !== undefined) strikes = strikes.filter((s) => s === query.strike);
  if (query.strikeCount !== undefined) {
    strikes = [...strikes].sort((a, b) => Math.abs(a - spot) - Math.abs(b - spot)).slice(0, query.strikeCount).sort((a, b) => a - b);
  }
  const sides: boolean[] = query.contractType === 'ALL' ? [true, false] : [query.contractType === 'CALL'];
  for (const expiration of book.expirations(query.symbol)) {
    if (query.fromDate !== undefined && expiration.date < query.fromDate) continue;
    if (query.toDate !== undefined && expiration.date > query.toDate) continue;
    if (query.expMonth !== 'ALL' && MONTHS[Number(expiration.date.slice(5, 7)) - 1] !== query.expMonth) continue;
    const key = `${expiration.date}:${daysBetween(today, expiration.date)}`;
    for (const call of sides) {
      const map = call ? callExpDateMap : putExpDateMap;
      for (const strike of strikes) {
        const contract: Contract = book.contract(query.symbol, expiration, call, strike);
        const quote = book.quote(contract);
        if (!inRange(query.range, quote)) continue;
        const byStrike = (map[key] ??= {});
        (byStrike[strikeKey(strike)] ??= []).push(chainContract(quote));
        count += 1;
      }
    }
  }
  return {
    ...head,
    underlyingPrice: spot,
    volatility: round2(instrument.volatility * 100),
    daysToExpiration: 0,
    numberOfContracts: count,
    assetMainType: instrument.assetMainType,
    ...(instrument.assetSubType === undefined ? {} : { assetSubType: instrument.assetSubType }),
    isChainTruncated: false,
    callExpDateMap,
    putExpDateMap,
  };
}

function inRange(range: string, quote: OptionQuote): boolean {
  const itm = quote.intrinsic > 0;
  const near = Math.abs(quote.contract.strike - quote.spot) <= quote.spot * 0.05;
  switch (range) {
    case 'ITM': return itm;
    case 'OTM': return !itm;
    case 'NTM': return near;
    case 'SAK': return quote.contract.call ? !itm : itm; // strikes above market
    case 'SBK': return quote.contract.call ? itm : !itm; // strikes below market
    case 'SNK': return near;
    default: return true;
  }
}

/** Map keys are the strike as a decimal string with at least one fraction digit: "265.0", "267.5". */
export function strikeKey(strike: number): string {
  return Number.isInteger(strike) ? strike.toFixed(1) : String(strike);
}

/** Body of GET /marketdata/v1/expirationchain. */
export function expirationChain(book: OptionBook, market: Market, symbol: string): Record<string, unknown> {
  if (!book.isUnderlying(symbol)) return { expirationList: [] };
  const today = etDateOf(market.clock());
  return {
    expirationList: book.expirations(symbol).map((expiration) => ({
      expirationDate: expiration.date,
      daysToExpiration: daysBetween(today, expiration.date),
      expirationType: expiration.type,
      settlementType: expiration.settlement,
      optionRoots: expiration.root,
      standard: true,
    })),
  };
}
