// Level-one records by field number (src/schwab/fields.ts numbering), and the per-key bookkeeping that turns
// them into Schwab's "Change" delivery: a full snapshot with metadata first, then only the changed fields.
import { isRegularSession } from './calendar.js';
import type { Instrument } from './instruments.js';
import { round2, round4, type EquityQuote, type Market } from './market.js';
import { optionDescription, type OptionQuote } from './options.js';

/** The services Schwab delivers as "Change": a snapshot of the requested fields first, then changed fields only. */
export const LEVEL_ONE_SERVICES = ['LEVELONE_EQUITIES', 'LEVELONE_OPTIONS', 'LEVELONE_FUTURES', 'LEVELONE_FUTURES_OPTIONS', 'LEVELONE_FOREX'] as const;
export type LevelOneService = (typeof LEVEL_ONE_SERVICES)[number];

export type FieldValue = string | number | boolean;
export type FieldRecord = Map<number, FieldValue>;

const r8 = (value: number): number => Math.round(value * 1e8) / 1e8;

/** Every LEVELONE_EQUITIES field 1–51 of a quote. */
export function equityRecord(instrument: Instrument, quote: EquityQuote, market: Market): FieldRecord {
  const mark = quote.bid > 0 && quote.ask > 0 ? round2((quote.bid + quote.ask) / 2) : quote.last;
  const netChange = round4(quote.last - quote.close);
  const pct = (change: number): number => (quote.close > 0 ? r8((change / quote.close) * 100) : 0);
  const regularChange = round4(quote.regularLast - quote.close);
  const dividendDate = market.nextDividendDate(instrument.symbol);
  const regular = isRegularSession(quote.quoteTime);
  const price = quote.last || instrument.basePrice;
  const values: FieldValue[] = [
    quote.bid, quote.ask, quote.last, quote.bidSize, quote.askSize, quote.askId, quote.bidId, quote.totalVolume,
    quote.lastSize, quote.high, quote.low, quote.close, instrument.exchange, instrument.assetMainType === 'EQUITY',
    instrument.description, quote.lastId, quote.open, netChange, quote.high52, quote.low52, instrument.peRatio,
    instrument.annualDividend, instrument.annualDividend > 0 ? r8((instrument.annualDividend / price) * 100) : 0, 0,
    instrument.exchangeName, dividendDate === undefined ? '' : `${dividendDate} 00:00:00.0`, regular, regular,
    quote.regularLast, quote.regularLastSize, regularChange, regular ? 'Normal' : 'Closed', mark, quote.quoteTime, quote.tradeTime,
    quote.regularTradeTime, quote.bidTime, quote.askTime, quote.askMic, quote.bidMic, quote.lastMic, pct(netChange),
    pct(regularChange), round4(mark - quote.close), pct(mark - quote.close), quote.hardToBorrowQuantity, 0, 0,
    instrument.assetMainType === 'EQUITY' ? 1 : -1, round4(quote.last - quote.regularLast),
    quote.regularLast > 0 ? r8(((quote.last - quote.regularLast) / quote.regularLast) * 100) : 0,
  ];
  return new Map(values.map((value, index) => [index + 1, value]));
}

/** Every LEVELONE_OPTIONS field 1–55 of a contract's quote. */
export function optionRecord(q: OptionQuote): FieldRecord {
  const { contract } = q;
  const [year, month, day] = contract.expiration.date.split('-').map(Number) as [number, number, number];
  const netChange = q.last > 0 ? round4(q.last - q.close) : 0;
  const pct = (change: number): number => (q.close > 0 ? r8((change / q.close) * 100) : 0);
  const greek = (value: number): number => (Number.isNaN(value) ? -999 : r8(value));
  const index = contract.underlying.startsWith('$');
  const moneyIntrinsic = round4(contract.call ? q.spot - contract.strike : contract.strike - q.spot);
  const values: FieldValue[] = [
    optionDescription(contract.root, contract.expiration.date, contract.call, contract.strike), q.bid, q.ask, q.last,
    q.high, q.low, q.close, q.volume, q.openInterest, greek(q.volatility), moneyIntrinsic, year, 100, 2, q.open,
    q.bidSize, q.askSize, q.lastSize, netChange, contract.strike, contract.call ? 'C' : 'P', contract.underlying,
    month, index ? '' : `100 ${contract.underlying}`, r8((q.last > 0 ? q.last : q.mid) - q.intrinsic), day,
    q.daysToExpiration, greek(q.greeks.delta), greek(q.greeks.gamma), greek(q.greeks.theta), greek(q.greeks.vega),
    greek(q.greeks.rho), 'Normal', r8(q.theoreticalValue), q.spot, contract.expiration.type, q.mark, q.quoteTime,
    q.tradeTime, 'O', 'OPR', q.lastTradingDay, contract.expiration.settlement, pct(netChange), round4(q.mark - q.close),
    pct(q.mark - q.close), 0, q.pennyPilot, contract.root, q.high52, q.low52, index ? q.ask : 0, index ? q.bid : 0,
    index ? q.quoteTime : 0, contract.exercise,
  ];
  return new Map(values.map((value, index) => [index + 1, value]));
}

export interface SnapshotMeta {
  delayed: boolean;
  assetMainType: string;
  assetSubType?: string;
  cusip?: string;
}

/**
 * Per-key memory of what was last sent on a level-one service, so each item carries only changed fields; the
 * first item of a key is the full snapshot of the requested fields plus metadata.
 */
export class ChangeTracker {
  private readonly sent = new Map<string, Map<number, FieldValue>>();

  /** Forget a key: its next item is a full snapshot again (after SUBS/ADD). */
  reset(key: string): void {
    this.sent.delete(key);
  }

  clear(): void {
    this.sent.clear();
  }

  /** Keep the key's snapshot status but resend every requested field next time (after VIEW). */
  forgetValues(key: string): void {
    if (this.sent.has(key)) this.sent.set(key, new Map());
  }

  /**
   * The wire item for a key, or undefined when none of the requested fields changed. `extra` fields (the
   * undocumented-field fault) are added to every item.
   */
  item(key: string, record: FieldRecord, fields: readonly number[], meta: SnapshotMeta, extra?: Record<string, FieldValue>): Record<string, FieldValue> | undefined {
    const previous = this.sent.get(key);
    const item: Record<string, FieldValue> = { key };
    if (previous === undefined) {
      item['delayed'] = meta.delayed;
      item['assetMainType'] = meta.assetMainType;
      if (meta.assetSubType !== undefined) item['assetSubType'] = meta.assetSubType;
      if (meta.cusip !== undefined) item['cusip'] = meta.cusip;
    }
    const memory = previous ?? new Map<number, FieldValue>();
    let changed = 0;
    for (const field of fields) {
      const value = record.get(field);
      if (value === undefined) continue;
      if (previous !== undefined && previous.get(field) === value) continue;
      item[String(field)] = value;
      memory.set(field, value);
      changed += 1;
    }
    this.sent.set(key, memory);
    if (previous !== undefined && changed === 0) return undefined;
    if (extra !== undefined) Object.assign(item, extra);
    return item;
  }
}
