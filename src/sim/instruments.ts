// The securities the simulator knows: reference data as Schwab reports it (CUSIPs and descriptions of the real
// securities; prices, volatilities and volumes are plausible levels, not live data).
import { hash32, hashUnit } from './prng.js';

export interface Instrument {
  symbol: string;
  /** Level-one / quotes description ("Apple Inc"). */
  description: string;
  /** Orders and transactions description, upper case ("APPLE INC"). */
  longDescription: string;
  cusip: string;
  /** Schwab's security id: quotes `ssid`, orders/transactions `instrumentId`. */
  ssid: number;
  assetMainType: 'EQUITY' | 'INDEX';
  /** COE, ETF; undefined for indices. */
  assetSubType: 'COE' | 'ETF' | undefined;
  exchange: string; // level-one exchange code: Q NASDAQ, N NYSE, P NYSE Arca, 0 index
  exchangeName: string;
  /** MIC of the primary venue. */
  mic: string;
  basePrice: number;
  /** Annualised volatility of the price path, e.g. 0.28. */
  volatility: number;
  annualDividend: number;
  peRatio: number;
  averageVolume: number;
  /** Option strike step near the money. */
  strikeStep: number;
}

type Row = [symbol: string, description: string, longDescription: string, cusip: string, subType: 'COE' | 'ETF',
  exchange: 'Q' | 'N' | 'P', price: number, vol: number, dividend: number, pe: number, volumeMillions: number];

const ROWS: Row[] = [
  ['AAPL', 'Apple Inc', 'APPLE INC', '037833100', 'COE', 'Q', 230, 0.28, 1.04, 34.2, 55],
  ['MSFT', 'Microsoft Corp', 'MICROSOFT CORP', '594918104', 'COE', 'Q', 420, 0.25, 3.32, 35.1, 20],
  ['NVDA', 'NVIDIA Corp', 'NVIDIA CORP', '67066G104', 'COE', 'Q', 180, 0.5, 0.04, 52.4, 180],
  ['AMD', 'Advanced Micro Devic', 'ADVANCED MICRO DEVICES INC', '007903107', 'COE', 'Q', 220, 0.5, 0, 110.3, 45],
  ['TSLA', 'Tesla Inc', 'TESLA INC', '88160R101', 'COE', 'Q', 400, 0.6, 0, 180.5, 90],
  ['SPY', 'SPDR S&P 500 ETF', 'SPDR S&P 500 ETF', '78462F103', 'ETF', 'P', 660, 0.16, 7.1, 0, 70],
  ['QQQ', 'INVSC QQQ TRUST SRS 1 ETF IV', 'INVESCO QQQ TRUST SERIES 1 ETF', '46090E103', 'ETF', 'Q', 600, 0.2, 3.0, 0, 45],
  ['IWM', 'ISHARES RUSSELL 2000 ETF', 'ISHARES RUSSELL 2000 ETF', '464287655', 'ETF', 'P', 240, 0.22, 2.6, 0, 30],
  ['DIA', 'SPDR DOW JONES INDL AVRG ETF', 'SPDR DOW JONES INDUSTRIAL AVERAGE ETF', '78467X109', 'ETF', 'P', 460, 0.15, 7.0, 0, 3],
  ['GOOG', 'Alphabet Inc. C', 'ALPHABET INC CLASS C', '02079K107', 'COE', 'Q', 250, 0.3, 0.84, 26.4, 25],
  ['AMZN', 'Amazon.com Inc', 'AMAZON.COM INC', '023135106', 'COE', 'Q', 230, 0.32, 0, 35.8, 40],
  ['META', 'Meta Platforms Inc', 'META PLATFORMS INC CLASS A', '30303M102', 'COE', 'Q', 700, 0.38, 2.1, 27.3, 12],
  ['NFLX', 'Netflix Inc', 'NETFLIX INC', '64110L106', 'COE', 'Q', 110, 0.4, 0, 45.2, 40],
  ['INTC', 'Intel Corp', 'INTEL CORP', '458140100', 'COE', 'Q', 40, 0.45, 0, 0, 90],
  ['JPM', 'JPMorgan Chase & Co', 'JPMORGAN CHASE & CO', '46625H100', 'COE', 'N', 300, 0.22, 6.0, 15.1, 9],
  ['XOM', 'Exxon Mobil Corp', 'EXXON MOBIL CORP', '30231G102', 'COE', 'N', 115, 0.24, 4.12, 16.2, 15],
  ['BAC', 'Bank of America Corp', 'BANK OF AMERICA CORP', '060505104', 'COE', 'N', 50, 0.26, 1.12, 14.3, 35],
  ['KO', 'Coca-Cola Co', 'COCA-COLA CO', '191216100', 'COE', 'N', 70, 0.16, 2.04, 23.5, 14],
  ['DIS', 'Walt Disney Co', 'WALT DISNEY CO', '254687106', 'COE', 'N', 115, 0.28, 1.0, 18.4, 9],
];

const EXCHANGES = { Q: ['NASDAQ', 'XNAS'], N: ['NYSE', 'XNYS'], P: ['NYSE Arca', 'ARCX'] } as const;

/** Ids seen in real captures; the rest are derived. */
const KNOWN_SSID: Record<string, number> = { AAPL: 1973757747, $SPX: 1819771877 };

const STRIKE_STEP: Record<string, number> = { SPY: 1, QQQ: 1, IWM: 1, DIA: 1, $SPX: 5 };

export const DEFAULT_SYMBOLS: readonly string[] = [...ROWS.map((row) => row[0]), '$SPX'];
export const DEFAULT_UNDERLYINGS: readonly string[] = ['AAPL', 'SPY', '$SPX'];

function fromRow(row: Row): Instrument {
  const [symbol, description, longDescription, cusip, subType, exchange, price, vol, dividend, pe, volume] = row;
  const [exchangeName, mic] = EXCHANGES[exchange];
  return {
    symbol, description, longDescription, cusip, ssid: KNOWN_SSID[symbol] ?? derivedSsid(symbol),
    assetMainType: 'EQUITY', assetSubType: subType, exchange, exchangeName, mic,
    basePrice: price, volatility: vol, annualDividend: dividend, peRatio: pe, averageVolume: volume * 1e6,
    strikeStep: STRIKE_STEP[symbol] ?? defaultStrikeStep(price),
  };
}

const SPX: Instrument = {
  symbol: '$SPX', description: 'S&P 500 INDEX', longDescription: 'S&P 500 INDEX', cusip: '', ssid: 1819771877,
  assetMainType: 'INDEX', assetSubType: undefined, exchange: '0', exchangeName: 'Index', mic: '',
  basePrice: 6600, volatility: 0.16, annualDividend: 0, peRatio: 0, averageVolume: 2e9, strikeStep: 5,
};

const KNOWN = new Map<string, Instrument>([...ROWS.map((row) => [row[0], fromRow(row)] as const), ['$SPX', SPX]]);

function derivedSsid(symbol: string): number {
  return 100_000_000 + (hash32('ssid', symbol) % 1_900_000_000);
}

function defaultStrikeStep(price: number): number {
  if (price < 25) return 0.5;
  if (price < 50) return 1;
  if (price < 300) return 2.5;
  return 5;
}

/** A symbol outside the built-in table gets deterministic, plausible reference data. */
function synthesize(symbol: string): Instrument {
  const price = Math.round((20 + hashUnit('price', symbol) * 380) * 100) / 100;
  const cusip = (hash32('cusip', symbol) % 1e9).toString().padStart(9, '0');
  return {
    symbol, description: `${symbol} Inc`, longDescription: `${symbol} INC`, cusip, ssid: derivedSsid(symbol),
    assetMainType: 'EQUITY', assetSubType: 'COE', exchange: 'Q', exchangeName: 'NASDAQ', mic: 'XNAS',
    basePrice: price, volatility: 0.25 + hashUnit('vol', symbol) * 0.3, annualDividend: 0,
    peRatio: Math.round(hashUnit('pe', symbol) * 4000) / 100, averageVolume: 1e6 + hashUnit('volume', symbol) * 2e7,
    strikeStep: defaultStrikeStep(price),
  };
}

export class InstrumentTable {
  private readonly bySymbol = new Map<string, Instrument>();

  constructor(symbols: readonly string[]) {
    for (const symbol of symbols) this.bySymbol.set(symbol, KNOWN.get(symbol) ?? synthesize(symbol));
  }

  get(symbol: string): Instrument | undefined {
    return this.bySymbol.get(symbol);
  }

  /** Every symbol known, in table order (the screeners' universe). */
  symbols(): string[] {
    return [...this.bySymbol.keys()];
  }
}

// ---- GET /marketdata/v1/instruments ----

export type InstrumentProjection = 'symbol-search' | 'fundamental';

/** One element of an instruments body, in the shape of real captures (z-Wind/schwab_api Instruments_real.json). */
export function instrumentJson(instrument: Instrument, projection: InstrumentProjection, today: string): Record<string, unknown> {
  const reference = {
    cusip: instrument.cusip, symbol: instrument.symbol, description: instrument.description, exchange: instrument.exchangeName,
    assetType: instrument.assetMainType === 'INDEX' ? 'INDEX' : instrument.assetSubType === 'ETF' ? 'ETF' : 'EQUITY',
  };
  // The real body puts `fundamental` first.
  return projection === 'fundamental' ? { fundamental: fundamentalJson(instrument, today), ...reference } : reference;
}

const r2 = (value: number): number => Math.round(value * 100) / 100;
const r5 = (value: number): number => Math.round(value * 100_000) / 100_000;
/** Schwab's date format in fundamentals: "2024-06-28 00:00:00.0". */
const schwabDay = (date: string): string => `${date} 00:00:00.0`;

/**
 * Plausible, deterministic fundamentals from the table's levels. A symbol without a dividend omits the dividend
 * dates, as Schwab does (SNOW in the real capture); corpactionDate and fundStrategy are never sent (no real body has).
 */
export function fundamentalJson(instrument: Instrument, today: string): Record<string, unknown> {
  const { symbol, basePrice: price, volatility, annualDividend, peRatio } = instrument;
  const shares = Math.round(2e8 + hashUnit('shares', symbol) * 1.5e10);
  const eps = peRatio > 0 ? r5(price / peRatio) : 0;
  const volume = Math.round(instrument.averageVolume);
  const pays = annualDividend > 0;
  const dates = dividendDates(symbol, today);
  return {
    symbol, high52: r2(price * (1 + volatility * 0.6)), low52: r2(price * (1 - volatility * 0.5)),
    dividendAmount: annualDividend, dividendYield: r5((annualDividend / price) * 100),
    ...(pays ? { dividendDate: dates.exDate } : {}),
    peRatio, pegRatio: r5(peRatio / 12), pbRatio: r5(2 + hashUnit('pb', symbol) * 40), prRatio: r5(1 + hashUnit('pr', symbol) * 20),
    pcfRatio: r5(5 + hashUnit('pcf', symbol) * 40), grossMarginTTM: r5(30 + hashUnit('gm', symbol) * 50),
    grossMarginMRQ: r5(30 + hashUnit('gmq', symbol) * 50), netProfitMarginTTM: r5(5 + hashUnit('nm', symbol) * 30),
    netProfitMarginMRQ: r5(5 + hashUnit('nmq', symbol) * 30), operatingMarginTTM: r5(8 + hashUnit('om', symbol) * 30),
    operatingMarginMRQ: r5(8 + hashUnit('omq', symbol) * 30), returnOnEquity: r5(hashUnit('roe', symbol) * 60),
    returnOnAssets: r5(hashUnit('roa', symbol) * 25), returnOnInvestment: r5(hashUnit('roi', symbol) * 40),
    quickRatio: r5(0.5 + hashUnit('qr', symbol) * 2), currentRatio: r5(0.8 + hashUnit('cr', symbol) * 2), interestCoverage: 0,
    totalDebtToCapital: r5(hashUnit('dc', symbol) * 60), ltDebtToEquity: r5(hashUnit('lde', symbol) * 150),
    totalDebtToEquity: r5(hashUnit('tde', symbol) * 150), epsTTM: eps, epsChangePercentTTM: r5(hashUnit('epsc', symbol) * 40 - 10),
    epsChangeYear: 0, epsChange: 0, revChangeYear: r5(hashUnit('rcy', symbol) * 30 - 5), revChangeTTM: r5(hashUnit('rct', symbol) * 30 - 5),
    revChangeIn: 0, sharesOutstanding: shares, marketCapFloat: 0, marketCap: Math.round(shares * price),
    bookValuePerShare: r5(price / (2 + hashUnit('pb', symbol) * 40)), shortIntToFloat: 0, shortIntDayToCover: 0, divGrowthRate3Year: 0,
    dividendPayAmount: r5(annualDividend / 4), ...(pays ? { dividendPayDate: dates.payDate } : {}),
    beta: r5(0.6 + volatility * 2), vol1DayAvg: 0, vol10DayAvg: 0, vol3MonthAvg: 0,
    avg10DaysVolume: Math.round(volume * 0.9), avg1DayVolume: volume, avg3MonthVolume: Math.round(volume * 1.1),
    ...(pays ? { declarationDate: dates.declaration } : {}), dividendFreq: pays ? 4 : 0, eps,
    dtnVolume: Math.round(volume * 0.8),
    ...(pays ? { nextDividendPayDate: dates.nextPayDate, nextDividendDate: dates.nextExDate } : {}),
    fundLeverageFactor: 0,
  };
}

/** Quarterly dividends: the last ex-date some days before `today`, paid a few days later, the next one a quarter on. */
function dividendDates(symbol: string, today: string): Record<'exDate' | 'payDate' | 'declaration' | 'nextExDate' | 'nextPayDate', string> {
  const back = 10 + (hash32('exdate', symbol) % 60);
  const day = (offset: number): string => schwabDay(shiftDate(today, offset));
  return { declaration: day(-back - 30), exDate: day(-back), payDate: day(-back + 4), nextExDate: day(-back + 91), nextPayDate: day(-back + 95) };
}

function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The body of GET /instruments?symbol=A,B&projection=...: the known symbols, in request order; unknown ones left out. */
export function instrumentsBody(table: InstrumentTable, symbols: readonly string[], projection: InstrumentProjection, today: string): { instruments: Record<string, unknown>[] } {
  const known = symbols.map((s) => table.get(s)).filter((i): i is Instrument => i !== undefined);
  return { instruments: known.map((i) => instrumentJson(i, projection, today)) };
}

/** GET /instruments/{cusip}: the one instrument with that CUSIP (reference data only), or undefined. */
export function instrumentByCusip(table: InstrumentTable, cusip: string, today: string): Record<string, unknown> | undefined {
  const instrument = table.symbols().map((s) => table.get(s)!).find((i) => i.cusip !== '' && i.cusip === cusip);
  return instrument === undefined ? undefined : instrumentJson(instrument, 'symbol-search', today);
}
