// GET /marketdata/v1/pricehistory (schwab-protocol.md §6.2): minute candles stamped at the minute start with the
// no-trade minutes left out; daily, weekly and monthly candles stamped at 00:00 US/Central; previousClose on request.
import { DateTime } from 'luxon';
import {
  CT, MINUTE_MS, addDays, centralMidnight, etDateOf, isTradingDay, previousTradingDay, sessionTimes, type IsoDate,
} from './calendar.js';
import { type Candle, type Market } from './market.js';

export interface HistoryQuery {
  symbol: string;
  periodType: string | null;
  period: string | null;
  frequencyType: string | null;
  frequency: string | null;
  startDate: string | null;
  endDate: string | null;
  needExtendedHoursData: string | null;
  needPreviousClose: string | null;
}

type Result = { ok: true; body: Record<string, unknown> } | { ok: false; parameter: string; detail: string };

const PERIODS: Record<string, { periods: number[]; defaultPeriod: number; frequencyTypes: string[]; defaultFrequencyType: string }> = {
  day: { periods: [1, 2, 3, 4, 5, 10], defaultPeriod: 10, frequencyTypes: ['minute'], defaultFrequencyType: 'minute' },
  month: { periods: [1, 2, 3, 6], defaultPeriod: 1, frequencyTypes: ['daily', 'weekly'], defaultFrequencyType: 'weekly' },
  year: { periods: [1, 2, 3, 5, 10, 15, 20], defaultPeriod: 1, frequencyTypes: ['daily', 'weekly', 'monthly'], defaultFrequencyType: 'monthly' },
  ytd: { periods: [1], defaultPeriod: 1, frequencyTypes: ['daily', 'weekly'], defaultFrequencyType: 'weekly' },
};

const integer = (value: string | null): number | undefined => (value !== null && /^\d+$/.test(value) ? Number(value) : undefined);

export function priceHistory(market: Market, query: HistoryQuery): Result {
  const periodType = query.periodType ?? 'day';
  const spec = PERIODS[periodType];
  if (spec === undefined) return { ok: false, parameter: 'periodType', detail: `periodType must be one of ${Object.keys(PERIODS).join(', ')}` };
  const period = query.period === null ? spec.defaultPeriod : integer(query.period);
  if (period === undefined || !spec.periods.includes(period)) {
    return { ok: false, parameter: 'period', detail: `period for periodType ${periodType} must be one of ${spec.periods.join(', ')}` };
  }
  const frequencyType = query.frequencyType ?? spec.defaultFrequencyType;
  if (!spec.frequencyTypes.includes(frequencyType)) {
    return { ok: false, parameter: 'frequencyType', detail: `frequencyType for periodType ${periodType} must be one of ${spec.frequencyTypes.join(', ')}` };
  }
  const allowed = frequencyType === 'minute' ? [1, 5, 10, 15, 30] : [1];
  const frequency = query.frequency === null ? 1 : integer(query.frequency);
  if (frequency === undefined || !allowed.includes(frequency)) {
    return { ok: false, parameter: 'frequency', detail: `frequency for frequencyType ${frequencyType} must be one of ${allowed.join(', ')}` };
  }
  const now = market.clock();
  const end = query.endDate === null ? now : integer(query.endDate);
  if (end === undefined) return { ok: false, parameter: 'endDate', detail: 'endDate must be milliseconds since the epoch' };
  const start = query.startDate === null ? defaultStart(periodType, period, end) : integer(query.startDate);
  if (start === undefined) return { ok: false, parameter: 'startDate', detail: 'startDate must be milliseconds since the epoch' };
  const extended = query.needExtendedHoursData !== 'false';
  const { symbol } = query;
  if (market.instrument(symbol) === undefined) return { ok: true, body: { candles: [], symbol, empty: true } };

  const last = Math.min(end, now);
  let candles: Candle[];
  if (frequencyType === 'minute') candles = minuteCandles(market, symbol, start, last, frequency, extended);
  else {
    const days = dayCandles(market, symbol, start, last);
    candles = frequencyType === 'daily' ? days : group(days, frequencyType === 'weekly' ? weekStart : monthStart, etDateOf(start));
  }
  const body: Record<string, unknown> = { candles, symbol, empty: candles.length === 0 };
  if (query.needPreviousClose === 'true') {
    const firstDay = candles[0] === undefined ? etDateOf(start) : etDateOf(Math.max(candles[0].datetime, start));
    const previous = previousTradingDay(firstDay);
    body['previousClose'] = market.closeOf(symbol, previous);
    body['previousCloseDate'] = centralMidnight(previous);
  }
  return { ok: true, body };
}

function defaultStart(periodType: string, period: number, end: number): number {
  const endDate = DateTime.fromMillis(end, { zone: CT });
  switch (periodType) {
    case 'day': {
      let day = etDateOf(end);
      if (!isTradingDay(day)) day = previousTradingDay(day);
      for (let i = 1; i < period; i++) day = previousTradingDay(day);
      return centralMidnight(day);
    }
    case 'month': return endDate.minus({ months: period }).toMillis();
    case 'year': return endDate.minus({ years: period }).toMillis();
    default: return endDate.startOf('year').toMillis();
  }
}

function minuteCandles(market: Market, symbol: string, start: number, end: number, frequency: number, extended: boolean): Candle[] {
  const out: Candle[] = [];
  for (let day = etDateOf(start); day <= etDateOf(end); day = addDays(day, 1)) {
    if (!isTradingDay(day)) continue;
    const session = sessionTimes(day);
    const from = extended ? session.extendedStart : session.regularStart;
    const to = extended ? session.postEnd : session.regularEnd;
    for (let bucket = from; bucket < to; bucket += frequency * MINUTE_MS) {
      let candle: Candle | undefined;
      for (let minute = bucket; minute < Math.min(bucket + frequency * MINUTE_MS, to); minute += MINUTE_MS) {
        // Only minutes that have ended, inside the requested window.
        if (minute < start || minute + MINUTE_MS > end) continue;
        const bar = market.minuteCandle(symbol, minute);
        if (bar === undefined) continue;
        candle = candle === undefined ? { ...bar, datetime: bucket } : {
          open: candle.open, high: Math.max(candle.high, bar.high), low: Math.min(candle.low, bar.low),
          close: bar.close, volume: candle.volume + bar.volume, datetime: bucket,
        };
      }
      if (candle !== undefined) out.push(candle);
    }
  }
  return out;
}

function dayCandles(market: Market, symbol: string, start: number, end: number): Candle[] {
  const out: Candle[] = [];
  for (let day = etDateOf(start); day <= etDateOf(end); day = addDays(day, 1)) {
    if (!isTradingDay(day)) continue;
    const candle = market.dayCandle(symbol, day, centralMidnight(day));
    if (candle !== undefined) out.push(candle);
  }
  return out;
}

const weekStart = (candle: Candle): IsoDate => {
  const day = DateTime.fromMillis(candle.datetime, { zone: CT });
  return day.minus({ days: day.weekday - 1 }).toISODate() ?? '';
};
const monthStart = (candle: Candle): IsoDate => `${DateTime.fromMillis(candle.datetime, { zone: CT }).toFormat('yyyy-MM')}-01`;

/** Weeks (Monday) or months (the 1st); a group the window starts inside of is left out, as Schwab does. */
function group(days: Candle[], key: (candle: Candle) => IsoDate, from: IsoDate): Candle[] {
  const out: Candle[] = [];
  let current: { key: IsoDate; candle: Candle } | undefined;
  for (const day of days) {
    const k = key(day);
    if (k < from) continue;
    if (current === undefined || current.key !== k) {
      current = { key: k, candle: { ...day, datetime: centralMidnight(k) } };
      out.push(current.candle);
      continue;
    }
    const c = current.candle;
    c.high = Math.max(c.high, day.high);
    c.low = Math.min(c.low, day.low);
    c.close = day.close;
    c.volume += day.volume;
  }
  return out;
}
