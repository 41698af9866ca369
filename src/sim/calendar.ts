// The US equity calendar and the time formats Schwab uses, endpoint by endpoint (schwab-protocol.md §6, §8.13).
// Sessions are US/Eastern; candles are stamped at midnight US/Central; order times are UTC "+0000".
import { DateTime } from 'luxon';

export const ET = 'America/New_York';
export const CT = 'America/Chicago';
export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;

/** A calendar date as `yyyy-MM-dd`. */
export type IsoDate = string;

// Time-zone math is the hot path of candles and chains; results are cached. US/Eastern offsets are whole hours and
// change on hour boundaries, so the Eastern date of a time is constant within each UTC hour.
const HOUR_MS = 3_600_000;
const etDateByHour = new Map<number, IsoDate>();
const etMsCache = new Map<string, number>();

function bounded<K, V>(cache: Map<K, V>, key: K, compute: () => V): V {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  if (cache.size > 500_000) cache.clear();
  const value = compute();
  cache.set(key, value);
  return value;
}

export function etDateOf(ms: number): IsoDate {
  const hour = Math.floor(ms / HOUR_MS);
  return bounded(etDateByHour, hour, () => DateTime.fromMillis(hour * HOUR_MS, { zone: ET }).toISODate() ?? '');
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** 1 = Monday … 7 = Sunday. */
export function weekday(date: IsoDate): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay() || 7;
}

/** Whole calendar days from `from` to `to`. */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** Epoch ms of a US/Eastern wall-clock time on a date. */
export function etMs(date: IsoDate, hour: number, minute = 0): number {
  // Clock changes happen at 02:00 on Sundays; from 03:00 on, the day's noon offset holds.
  if (hour < 3) {
    return bounded(etMsCache, `${date}|${hour}|${minute}`, () =>
      DateTime.fromISO(date, { zone: ET }).set({ hour, minute, second: 0, millisecond: 0 }).toMillis());
  }
  return Date.parse(`${date}T00:00:00Z`) + (hour * 60 + minute) * MINUTE_MS - noonOffsetMinutes(date) * MINUTE_MS;
}

const noonOffsets = new Map<IsoDate, number>();

function noonOffsetMinutes(date: IsoDate): number {
  return bounded(noonOffsets, date, () => DateTime.fromISO(`${date}T12:00:00`, { zone: ET }).offset);
}

/** Epoch ms of 00:00 US/Central on a date: how daily, weekly and monthly candles are stamped. */
const centralCache = new Map<IsoDate, number>();

export function centralMidnight(date: IsoDate): number {
  return bounded(centralCache, date, () => DateTime.fromISO(date, { zone: CT }).startOf('day').toMillis());
}

const holidayCache = new Map<number, Set<IsoDate>>();

/** NYSE full-day holidays of a year, observed dates. */
export function nyseHolidays(year: number): ReadonlySet<IsoDate> {
  const cached = holidayCache.get(year);
  if (cached !== undefined) return cached;
  const days = new Set<IsoDate>();
  const fixed = (month: number, day: number, newYear = false): void => {
    const date = DateTime.utc(year, month, day);
    // Saturday holidays move to Friday, Sunday ones to Monday; New Year on a Saturday is not observed.
    if (date.weekday === 6 && !newYear) days.add(date.minus({ days: 1 }).toISODate() ?? '');
    else if (date.weekday === 7) days.add(date.plus({ days: 1 }).toISODate() ?? '');
    else if (date.weekday < 6) days.add(date.toISODate() ?? '');
  };
  const nthWeekday = (month: number, weekdayNumber: number, n: number): void => {
    let date = DateTime.utc(year, month, 1);
    while (date.weekday !== weekdayNumber) date = date.plus({ days: 1 });
    days.add(date.plus({ weeks: n - 1 }).toISODate() ?? '');
  };
  const lastWeekday = (month: number, weekdayNumber: number): void => {
    let date = DateTime.utc(year, month, 1).endOf('month').startOf('day');
    while (date.weekday !== weekdayNumber) date = date.minus({ days: 1 });
    days.add(date.toISODate() ?? '');
  };
  fixed(1, 1, true);
  nthWeekday(1, 1, 3); // Martin Luther King Jr. Day
  nthWeekday(2, 1, 3); // Washington's Birthday
  days.add(easter(year).minus({ days: 2 }).toISODate() ?? ''); // Good Friday
  lastWeekday(5, 1); // Memorial Day
  if (year >= 2022) fixed(6, 19); // Juneteenth
  fixed(7, 4);
  nthWeekday(9, 1, 1); // Labor Day
  nthWeekday(11, 4, 4); // Thanksgiving
  fixed(12, 25);
  holidayCache.set(year, days);
  return days;
}

/** Anonymous Gregorian algorithm. */
function easter(year: number): DateTime {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return DateTime.utc(year, month, day);
}

export function isTradingDay(date: IsoDate): boolean {
  return weekday(date) < 6 && !nyseHolidays(Number(date.slice(0, 4))).has(date);
}

/** 13:00 ET closes: the day after Thanksgiving, Christmas Eve, and July 3 before a weekday Independence Day. */
export function isEarlyClose(date: IsoDate): boolean {
  if (!isTradingDay(date)) return false;
  const [, month, day] = date.split('-').map(Number);
  if (month === 12 && day === 24) return true;
  if (month === 7 && day === 3) return weekday(date) <= 4;
  if (month === 11 && weekday(date) === 5) return nyseHolidays(Number(date.slice(0, 4))).has(addDays(date, -1));
  return false;
}

export function previousTradingDay(date: IsoDate): IsoDate {
  let day = addDays(date, -1);
  while (!isTradingDay(day)) day = addDays(day, -1);
  return day;
}

export function nextTradingDay(date: IsoDate): IsoDate {
  let day = addDays(date, 1);
  while (!isTradingDay(day)) day = addDays(day, 1);
  return day;
}

/**
 * The trading day whose numbers (volume, open, high, low, net change) quotes show now: today from 07:28 ET on a
 * trading day (Schwab's daily reset), otherwise the last trading day before.
 */
export function currentSessionDay(now: number): IsoDate {
  const today = etDateOf(now);
  if (isTradingDay(today)) return now >= etMs(today, 7, 28) ? today : previousTradingDay(today);
  return previousTradingDay(today);
}

export interface SessionTimes {
  preStart: number; // 07:00 ET (04:00 ET for extended-hours minute candles: see extendedStart)
  extendedStart: number;
  regularStart: number;
  regularEnd: number;
  postEnd: number;
}

const sessionCache = new Map<IsoDate, SessionTimes>();

export function sessionTimes(date: IsoDate): SessionTimes {
  return bounded(sessionCache, date, () => computeSessionTimes(date));
}

function computeSessionTimes(date: IsoDate): SessionTimes {
  const early = isEarlyClose(date);
  return {
    extendedStart: etMs(date, 4),
    preStart: etMs(date, 7),
    regularStart: etMs(date, 9, 30),
    regularEnd: etMs(date, early ? 13 : 16),
    postEnd: etMs(date, early ? 17 : 20),
  };
}

export function isRegularSession(ms: number): boolean {
  const date = etDateOf(ms);
  if (!isTradingDay(date)) return false;
  const session = sessionTimes(date);
  return ms >= session.regularStart && ms < session.regularEnd;
}

// ---- formats ----

/** Orders and transactions: `2024-06-06T13:46:03+0000`. */
export function orderTime(ms: number): string {
  return DateTime.fromMillis(ms, { zone: 'utc' }).toFormat("yyyy-MM-dd'T'HH:mm:ssZZZ");
}

/** ACCT_ACTIVITY `DateTimeString`: US/Eastern wall clock without a zone, `2025-12-09 14:11:00.000`. */
export function activityDateTime(ms: number): string {
  return DateTime.fromMillis(ms, { zone: ET }).toFormat('yyyy-MM-dd HH:mm:ss.SSS');
}

/** Market hours: `2024-10-18T07:00:00-04:00`. */
export function marketHoursTime(ms: number): string {
  return DateTime.fromMillis(ms, { zone: ET }).toFormat("yyyy-MM-dd'T'HH:mm:ssZZ");
}

/** Quotes' fundamental dates: `2024-05-10T04:00:00Z` (midnight ET in UTC). */
export function fundamentalDate(date: IsoDate): string {
  return `${DateTime.fromISO(date, { zone: ET }).toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss")}Z`;
}

/** Option `expirationDate`: 16:00 ET of the expiry as UTC, `2024-10-18T20:00:00.000+00:00`. */
export function optionExpirationTime(date: IsoDate): string {
  return `${DateTime.fromMillis(etMs(date, 16), { zone: 'utc' }).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS")}+00:00`;
}

/** CHART_EQUITY field 1: minutes since 07:00 ET of the bar's day. */
export function chartSequence(barStart: number): number {
  return Math.round((barStart - etMs(etDateOf(barStart), 7)) / MINUTE_MS);
}

/** CHART_EQUITY field 8: days since 1970-01-01 of the bar's US/Eastern date. */
export function chartDay(barStart: number): number {
  return Math.round(Date.parse(`${etDateOf(barStart)}T00:00:00Z`) / DAY_MS);
}

/** Chart bars stream for 07:00–19:59 ET of trading days. The start of the first bar minute after `barStart`. */
export function nextChartMinute(barStart: number): number {
  let date = etDateOf(barStart);
  let next = barStart + MINUTE_MS;
  if (isTradingDay(date) && next < etMs(date, 20) && next >= etMs(date, 7)) return next;
  if (isTradingDay(date) && next < etMs(date, 7)) return etMs(date, 7);
  date = nextTradingDay(date);
  next = etMs(date, 7);
  return next;
}

/** The last chart minute that has completed by `now` (the bar the server re-sends on subscribe). */
export function latestCompletedChartMinute(now: number): number {
  const minute = Math.floor(now / MINUTE_MS) * MINUTE_MS - MINUTE_MS;
  let date = etDateOf(minute);
  if (isTradingDay(date) && minute >= etMs(date, 7)) return Math.min(minute, etMs(date, 19, 59));
  date = previousTradingDay(date);
  return etMs(date, 19, 59);
}
