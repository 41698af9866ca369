// GET /marketdata/v1/quotes bodies: one entry per requested symbol, shaped per asset type like
// rest-quotes-multi-asset-2024-05.json (EQUITY, INDEX, OPTION), unknown symbols under errors.invalidSymbols.
import { addDays, fundamentalDate, isRegularSession } from './calendar.js';
import { round2, type Market } from './market.js';
import { optionDescription, type OptionBook } from './options.js';
import { hash32 } from './prng.js';

export type QuoteBlock = 'quote' | 'fundamental' | 'extended' | 'reference' | 'regular';

const r8 = (value: number): number => Math.round(value * 1e8) / 1e8;

export function parseQuoteFields(value: string | null): Set<QuoteBlock> | undefined {
  const all: QuoteBlock[] = ['quote', 'fundamental', 'reference', 'regular'];
  if (value === null || value.trim() === '' || value === 'all') return new Set(all);
  const blocks = new Set<QuoteBlock>();
  for (const part of value.split(',').map((p) => p.trim())) {
    if (part === 'all') all.forEach((block) => blocks.add(block));
    else if (['quote', 'fundamental', 'extended', 'reference', 'regular'].includes(part)) blocks.add(part as QuoteBlock);
    else return undefined;
  }
  return blocks;
}

export function quotesBody(market: Market, book: OptionBook, symbols: readonly string[], blocks: ReadonlySet<QuoteBlock>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const invalid: string[] = [];
  for (const symbol of symbols) {
    const entry = quoteEntry(market, book, symbol, blocks);
    if (entry === undefined) invalid.push(symbol);
    else body[symbol] = entry;
  }
  if (invalid.length > 0) body['errors'] = { invalidSymbols: invalid };
  return body;
}

function quoteEntry(market: Market, book: OptionBook, symbol: string, blocks: ReadonlySet<QuoteBlock>): Record<string, unknown> | undefined {
  const contract = book.resolve(symbol);
  if (contract !== undefined) return optionEntry(book, symbol, blocks);
  const instrument = market.instrument(symbol);
  const quote = market.quote(symbol);
  if (instrument === undefined || quote === undefined) return undefined;
  const netChange = round2(quote.last - quote.close);
  const pct = (change: number): number => (quote.close > 0 ? r8((change / quote.close) * 100) : 0);
  const pick = (entries: Partial<Record<QuoteBlock, Record<string, unknown>>>): Record<string, unknown> =>
    Object.fromEntries(Object.entries(entries).filter(([block]) => blocks.has(block as QuoteBlock)));
  const dividend = instrument.annualDividend;
  const index = instrument.assetMainType === 'INDEX';
  const fundamental: Record<string, unknown> = {
    avg10DaysVolume: Math.round(instrument.averageVolume * 1.05), avg1YearVolume: Math.round(instrument.averageVolume),
  };
  const exDate = market.nextDividendDate(symbol);
  if (dividend > 0 && exDate !== undefined) {
    const previousEx = addDays(exDate, -91);
    Object.assign(fundamental, {
      declarationDate: fundamentalDate(addDays(previousEx, -8)), divAmount: dividend, divExDate: fundamentalDate(previousEx),
      divFreq: 4, divPayAmount: round2(dividend / 4), divPayDate: fundamentalDate(addDays(previousEx, 6)),
      divYield: r8((dividend / quote.last) * 100), eps: instrument.peRatio > 0 ? round2(quote.last / instrument.peRatio) : 0,
      fundLeverageFactor: 0, lastEarningsDate: fundamentalDate(addDays(previousEx, -8)),
      nextDivExDate: fundamentalDate(exDate), nextDivPayDate: fundamentalDate(addDays(exDate, 6)),
      peRatio: instrument.peRatio,
    });
  } else {
    Object.assign(fundamental, {
      divAmount: 0, divFreq: 0, divPayAmount: 0, divYield: 0,
      eps: instrument.peRatio > 0 ? round2(quote.last / instrument.peRatio) : 0, fundLeverageFactor: 0, peRatio: instrument.peRatio,
    });
  }
  const status = isRegularSession(market.clock()) ? 'Normal' : 'Closed';
  if (index) {
    return {
      assetMainType: 'INDEX', realtime: true, ssid: instrument.ssid, symbol,
      ...pick({
        fundamental,
        quote: {
          '52WeekHigh': quote.high52, '52WeekLow': quote.low52, closePrice: quote.close, highPrice: quote.high,
          lastPrice: quote.last, lowPrice: quote.low, netChange, netPercentChange: pct(netChange), openPrice: quote.open,
          securityStatus: status, totalVolume: quote.totalVolume, tradeTime: quote.tradeTime,
        },
        reference: { description: instrument.description, exchange: instrument.exchange, exchangeName: instrument.exchangeName },
      }),
    };
  }
  const mark = round2((quote.bid + quote.ask) / 2);
  const postChange = round2(quote.last - quote.regularLast);
  return {
    assetMainType: instrument.assetMainType, assetSubType: instrument.assetSubType, quoteType: 'NBBO', realtime: true,
    ssid: instrument.ssid, symbol,
    ...pick({
      extended: {
        askPrice: quote.ask, askSize: quote.askSize, bidPrice: quote.bid, bidSize: quote.bidSize, lastPrice: quote.last,
        lastSize: quote.lastSize, mark, quoteTime: quote.quoteTime, totalVolume: quote.totalVolume, tradeTime: quote.tradeTime,
      },
      fundamental,
      quote: {
        '52WeekHigh': quote.high52, '52WeekLow': quote.low52, askMICId: quote.askMic, askPrice: quote.ask,
        askSize: quote.askSize, askTime: quote.askTime, bidMICId: quote.bidMic, bidPrice: quote.bid, bidSize: quote.bidSize,
        bidTime: quote.bidTime, closePrice: quote.close, highPrice: quote.high, lastMICId: quote.lastMic,
        lastPrice: quote.last, lastSize: quote.lastSize, lowPrice: quote.low, mark, markChange: round2(mark - quote.close),
        markPercentChange: pct(mark - quote.close), netChange, netPercentChange: pct(netChange), openPrice: quote.open,
        postMarketChange: postChange, postMarketPercentChange: quote.regularLast > 0 ? r8((postChange / quote.regularLast) * 100) : 0,
        quoteTime: quote.quoteTime, securityStatus: status, totalVolume: quote.totalVolume, tradeTime: quote.tradeTime,
      },
      reference: {
        cusip: instrument.cusip, description: instrument.description, exchange: instrument.exchange,
        exchangeName: instrument.exchangeName, isHardToBorrow: false, isShortable: true, htbRate: 0,
      },
      regular: {
        regularMarketLastPrice: quote.regularLast, regularMarketLastSize: quote.regularLastSize,
        regularMarketNetChange: round2(quote.regularLast - quote.close),
        regularMarketPercentChange: pct(quote.regularLast - quote.close), regularMarketTradeTime: quote.regularTradeTime,
      },
    }),
  };
}

function optionEntry(book: OptionBook, symbol: string, blocks: ReadonlySet<QuoteBlock>): Record<string, unknown> | undefined {
  const contract = book.resolve(symbol);
  if (contract === undefined) return undefined;
  const q = book.quote(contract);
  const [year, month, day] = contract.expiration.date.split('-').map(Number);
  const netChange = q.last > 0 ? round2(q.last - q.close) : 0;
  const pct = (change: number): number => (q.close > 0 ? r8((change / q.close) * 100) : 0);
  const greek = (value: number): number => (Number.isNaN(value) ? -999 : r8(value));
  const entry: Record<string, unknown> = {
    assetMainType: 'OPTION', realtime: true, ssid: 10_000_000 + (hash32('option-ssid', symbol) % 90_000_000), symbol,
  };
  if (blocks.has('quote')) {
    entry['quote'] = {
      '52WeekHigh': q.high52, '52WeekLow': q.low52, askPrice: q.ask, askSize: q.askSize, bidPrice: q.bid,
      bidSize: q.bidSize, closePrice: q.close, delta: greek(q.greeks.delta), gamma: greek(q.greeks.gamma),
      highPrice: q.high, indAskPrice: 0, indBidPrice: 0, indQuoteTime: 0, impliedYield: 0, lastPrice: q.last,
      lastSize: q.lastSize, lowPrice: q.low, mark: q.mark, markChange: round2(q.mark - q.close),
      markPercentChange: pct(q.mark - q.close), moneyIntrinsicValue: round2(contract.call ? q.spot - contract.strike : contract.strike - q.spot),
      netChange, netPercentChange: pct(netChange), openInterest: q.openInterest, openPrice: q.open,
      quoteTime: q.quoteTime, rho: greek(q.greeks.rho), securityStatus: 'Normal', theoreticalOptionValue: r8(q.theoreticalValue),
      theta: greek(q.greeks.theta), timeValue: r8((q.last > 0 ? q.last : q.mid) - q.intrinsic), totalVolume: q.volume,
      tradeTime: q.tradeTime, underlyingPrice: q.spot, vega: greek(q.greeks.vega), volatility: greek(q.volatility),
    };
  }
  if (blocks.has('reference')) {
    entry['reference'] = {
      contractType: contract.call ? 'C' : 'P', daysToExpiration: q.daysToExpiration,
      deliverables: contract.underlying.startsWith('$') ? '' : `100 ${contract.underlying}`,
      description: optionDescription(contract.root, contract.expiration.date, contract.call, contract.strike),
      exchange: 'O', exchangeName: 'OPR', exerciseType: contract.exercise, expirationDay: day, expirationMonth: month,
      expirationType: contract.expiration.type, expirationYear: year, isPennyPilot: q.pennyPilot,
      lastTradingDay: q.lastTradingDay, multiplier: 100, settlementType: contract.expiration.settlement,
      strikePrice: contract.strike, underlying: contract.underlying,
    };
  }
  return entry;
}
