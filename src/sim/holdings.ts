// Positions the simulated accounts hold without trading them, so that `GET /accounts?fields=positions` carries every
// asset type a real account shows next to the traded EQUITY and ETF (COLLECTIVE_INVESTMENT) positions: a long SPY
// call in the MARGIN account, a mutual fund and the cash sweep in the CASH account. Shapes follow real captures
// (test/fixtures/captures/rest-account-positions.jsonl): an OPTION instrument with type/putCall/underlyingSymbol, a
// MUTUAL_FUND with type NO_LOAD_TAXABLE and agedQuantity, a CASH_EQUIVALENT MMDA1 without maintenanceRequirement.
// Values follow the SPY quote, so balances and the equity curve move with the market.
import { addDays, etDateOf, weekday, type IsoDate } from './calendar.js';
import { round2, round4, type Market } from './market.js';
import { occSymbol } from './options.js';

export interface Holding {
  json: Record<string, unknown>;
  marketValue: number;
}

const CALLS = 2;
const FUND_SHARES = 412.387;
const SWEEP = 1532.18;

export function holdings(type: 'MARGIN' | 'CASH', market: Market): Holding[] {
  const spy = market.quote('SPY');
  if (spy === undefined) return [];
  return type === 'MARGIN' ? [spyCall(spy, market.clock())] : [fund(spy), sweep()];
}

/** The third Friday of the month after next: a standard monthly expiration about six weeks out. */
function expiration(now: number): IsoDate {
  const today = etDateOf(now);
  const [year, month] = today.split('-').map(Number) as [number, number];
  const target = month >= 11 ? `${year + 1}-${String(month - 10).padStart(2, '0')}-01` : `${year}-${String(month + 2).padStart(2, '0')}-01`;
  let date = target as IsoDate;
  while (weekday(date) !== 5) date = addDays(date, 1);
  return addDays(date, 14);
}

function spyCall(spy: { last: number; close: number }, now: number): Holding {
  const strike = Math.round((spy.close * 1.05) / 5) * 5;
  const date = expiration(now);
  const mark = (price: number): number => round2(Math.max(0, price - strike) + price * 0.012);
  const marketValue = round2(mark(spy.last) * 100 * CALLS);
  const average = round4(mark(spy.close) * 0.9);
  const [year, month, day] = date.split('-');
  const json = {
    shortQuantity: 0, averagePrice: average, currentDayProfitLoss: round2((mark(spy.last) - mark(spy.close)) * 100 * CALLS),
    currentDayProfitLossPercentage: round2(((mark(spy.last) - mark(spy.close)) / mark(spy.close)) * 100),
    longQuantity: CALLS, settledLongQuantity: CALLS, settledShortQuantity: 0,
    instrument: {
      assetType: 'OPTION', cusip: `0SPY..${'ABCDEFGHIJKL'[Number(month) - 1]}${day}${String(strike * 1000).padStart(8, '0')}`,
      symbol: occSymbol('SPY', date, true, strike), description: `SPDR S&P 500 ETF ${month}/${day}/${year} $${strike} Call`,
      netChange: round4(mark(spy.last) - mark(spy.close)), type: 'VANILLA', putCall: 'CALL', underlyingSymbol: 'SPY',
    },
    marketValue, maintenanceRequirement: 0, averageLongPrice: average, taxLotAverageLongPrice: average,
    longOpenProfitLoss: round2(marketValue - average * 100 * CALLS), previousSessionLongQuantity: CALLS, currentDayCost: 0,
  };
  return { json, marketValue };
}

function fund(spy: { last: number; close: number }): Holding {
  const nav = round2(spy.close * 0.0143);
  const marketValue = round2(FUND_SHARES * nav);
  const average = 8.912345678901;
  const json = {
    shortQuantity: 0, averagePrice: average, currentDayProfitLoss: 0, currentDayProfitLossPercentage: 0,
    longQuantity: FUND_SHARES, settledLongQuantity: FUND_SHARES, settledShortQuantity: 0, agedQuantity: 0,
    instrument: {
      assetType: 'MUTUAL_FUND', cusip: '808509855', symbol: 'SWPPX', description: 'Schwab S&P 500 Index',
      netChange: 0, type: 'NO_LOAD_TAXABLE',
    },
    marketValue, maintenanceRequirement: 0, averageLongPrice: average, taxLotAverageLongPrice: average,
    longOpenProfitLoss: round2(marketValue - FUND_SHARES * average), previousSessionLongQuantity: FUND_SHARES, currentDayCost: 0,
  };
  return { json, marketValue };
}

function sweep(): Holding {
  const json = {
    shortQuantity: 0, averagePrice: 1, currentDayProfitLoss: 0, currentDayProfitLossPercentage: 0,
    longQuantity: SWEEP, settledLongQuantity: SWEEP, settledShortQuantity: 0,
    instrument: {
      assetType: 'CASH_EQUIVALENT', cusip: '9ZZZFD104', symbol: 'MMDA1',
      description: 'FDIC INSURED DEPOSIT ACCOUNT  CORE  NOT COVERED BY SIPC', type: 'MONEY_MARKET_FUND',
    },
    marketValue: SWEEP,
  };
  return { json, marketValue: SWEEP };
}
