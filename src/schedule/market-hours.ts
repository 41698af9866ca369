// When the recorder should stream (design.md §6, issue 6): around the US equity session of trading days, in
// America/New_York. Schwab's market-hours endpoint says which days are open and their session hours (early closes
// included); when it cannot be reached, the built-in NYSE calendar of the simulator (src/sim/calendar.ts) decides.
import { EventEmitter } from 'node:events';
import { DateTime } from 'luxon';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { scheduleOpen, scheduleReason } from '../metrics/registry.js';
import type { Markets } from '../schwab/schemas/markets.js';
import { addDays, etDateOf, isEarlyClose, isTradingDay, sessionTimes, weekday, ET, type IsoDate } from '../sim/calendar.js';

export type ScheduleSettings = Config['schedule'];

export const SCHEDULE_REASONS = [
  'in-session', 'weekend', 'holiday', 'before-session', 'after-session', 'early-close', 'disabled', 'simulated-feed',
] as const;
export type ScheduleReason = (typeof SCHEDULE_REASONS)[number];

export interface ScheduleDecision {
  /** Whether the streamer should be connected now. */
  open: boolean;
  why: ScheduleReason;
  /** ISO time (US/Eastern offset) of the next change of `open`; null when it never changes. */
  next: string | null;
  /** Where the hours of today came from. */
  source: 'schwab' | 'calendar' | 'none';
}

/** One day's equity session, as epoch ms; null bounds on a closed day. */
export interface DayHours {
  date: IsoDate;
  isOpen: boolean;
  /** Start and end of the configured session (extended: pre-market to post-market; regular: 09:30 to the close). */
  start: number | null;
  end: number | null;
  /** The regular session ends before 16:00 ET. */
  earlyClose: boolean;
  source: 'schwab' | 'calendar';
}

/** Schwab's GET /marketdata/v1/markets?markets=equity&date=…, e.g. `(date) => api.markets(['equity'], date)`. */
export type MarketHoursSource = (date: IsoDate) => Promise<Markets>;

const LOOKAHEAD_DAYS = 14;
const RETRY_AFTER_FAILURE_MS = 10 * 60_000;
/** Re-evaluates at least this often, so a clock jump or a fetched early close is noticed. */
const MAX_TICK_MS = 60_000;

/** Hours of a day from the built-in calendar. */
export function calendarHours(date: IsoDate, session: ScheduleSettings['session']): DayHours {
  if (!isTradingDay(date)) return { date, isOpen: false, start: null, end: null, earlyClose: false, source: 'calendar' };
  const times = sessionTimes(date);
  const extended = session === 'extended';
  return {
    date, isOpen: true, earlyClose: isEarlyClose(date), source: 'calendar',
    // Schwab's equity pre-market starts 07:00 ET and its post-market ends 20:00 ET (17:00 on early closes).
    start: extended ? times.preStart : times.regularStart,
    end: extended ? times.postEnd : times.regularEnd,
  };
}

/** Hours of a day from a markets body: `{"equity":{"EQ":{isOpen,sessionHours}}}` or `{"equity":{"equity":{isOpen:false}}}`. */
export function schwabHours(body: Markets, date: IsoDate, session: ScheduleSettings['session']): DayHours {
  const products = body['equity'];
  const product = products ? (products['EQ'] ?? Object.values(products)[0]) : undefined;
  if (!product) throw new Error('market hours: no equity market in the response');
  if (!product.isOpen) return { date, isOpen: false, start: null, end: null, earlyClose: false, source: 'schwab' };
  const hours = product.sessionHours ?? {};
  const spans = (session === 'extended' ? Object.values(hours).flat() : hours['regularMarket'] ?? [])
    .map((s) => ({ start: parseTime(s.start), end: parseTime(s.end) }));
  const regular = (hours['regularMarket'] ?? []).map((s) => parseTime(s.end));
  if (spans.length === 0 || regular.length === 0) throw new Error('market hours: an open day without regular session hours');
  const regularEnd = DateTime.fromMillis(Math.max(...regular), { zone: ET });
  return {
    date, isOpen: true, source: 'schwab',
    start: Math.min(...spans.map((s) => s.start)),
    end: Math.max(...spans.map((s) => s.end)),
    earlyClose: regularEnd.hour * 60 + regularEnd.minute < 16 * 60,
  };
}

function parseTime(text: string): number {
  const time = DateTime.fromISO(text, { setZone: true });
  if (!time.isValid) throw new Error(`market hours: unreadable time ${JSON.stringify(text)}`);
  return time.toMillis();
}

const iso = (ms: number): string => DateTime.fromMillis(ms, { zone: ET }).toISO() ?? new Date(ms).toISOString();

/**
 * The decision at `now`, given the hours of each day. The streaming window of a day runs from its session start minus
 * connectBeforeMinutes to its end plus disconnectAfterMinutes.
 */
export function decide(now: number, settings: ScheduleSettings, hoursOf: (date: IsoDate) => DayHours): ScheduleDecision {
  if (!settings.enabled) return { open: true, why: 'disabled', next: null, source: 'none' };
  const window = (hours: DayHours): { from: number; to: number } | null => hours.isOpen && hours.start !== null && hours.end !== null
    ? { from: hours.start - settings.connectBeforeMinutes * 60_000, to: hours.end + settings.disconnectAfterMinutes * 60_000 }
    : null;
  const today = etDateOf(now);
  // A window may reach past midnight with a large disconnectAfterMinutes: yesterday's counts too.
  const yesterday = hoursOf(addDays(today, -1));
  const late = window(yesterday);
  if (late && now >= late.from && now < late.to) return { open: true, why: 'in-session', next: iso(late.to), source: yesterday.source };
  const hours = hoursOf(today);
  const own = window(hours);
  if (own && now >= own.from && now < own.to) return { open: true, why: 'in-session', next: iso(own.to), source: hours.source };
  let why: ScheduleReason;
  if (!hours.isOpen) why = weekday(today) >= 6 ? 'weekend' : 'holiday';
  else if (own && now < own.from) why = 'before-session';
  else why = hours.earlyClose ? 'early-close' : 'after-session';
  let next: string | null = null;
  if (own && now < own.from) next = iso(own.from);
  else {
    for (let day = 1; day <= LOOKAHEAD_DAYS && next === null; day++) {
      const ahead = window(hoursOf(addDays(today, day)));
      if (ahead) next = iso(ahead.from);
    }
  }
  return { open: false, why, next, source: hours.source };
}

export interface MarketScheduleOptions {
  settings: ScheduleSettings;
  now?: () => number;
  /** Schwab's market hours; without it (or when it fails) the built-in calendar decides. */
  source?: MarketHoursSource;
  logger?: Logger;
  /** A fixed decision instead of the calendar: the simulator's market never closes. */
  fixed?: { open: boolean; why: ScheduleReason };
}

/**
 * The schedule as a living thing: `refresh()` fetches the hours it needs (cached per date; after a failure the
 * calendar answers for that date and the endpoint is asked again ten minutes later), decides, updates the metrics and
 * emits `change` with the decision when `open` flips. `start()` re-evaluates at each change and at least every minute.
 */
export class MarketSchedule extends EventEmitter {
  private readonly now: () => number;
  private readonly cache = new Map<IsoDate, { hours: DayHours; until: number }>();
  private decision: ScheduleDecision;
  private timer: NodeJS.Timeout | null = null;
  private warned = false;

  constructor(private readonly options: MarketScheduleOptions) {
    super();
    this.now = options.now ?? Date.now;
    this.decision = options.fixed
      ? { ...options.fixed, next: null, source: 'none' }
      : decide(this.now(), options.settings, (date) => calendarHours(date, options.settings.session));
    this.publish();
  }

  get current(): ScheduleDecision {
    return this.decision;
  }

  get open(): boolean {
    return this.decision.open;
  }

  async refresh(): Promise<ScheduleDecision> {
    if (this.options.fixed || !this.options.settings.enabled) {
      this.set(this.options.fixed ? { ...this.options.fixed, next: null, source: 'none' } : decide(this.now(), this.options.settings, () => { throw new Error('unused'); }));
      return this.decision;
    }
    const now = this.now();
    const today = etDateOf(now);
    // The dates decide() may look at: yesterday, today and the days ahead up to the next trading day.
    const dates = [addDays(today, -1), today];
    for (let day = 1; day <= LOOKAHEAD_DAYS; day++) {
      const date = addDays(today, day);
      dates.push(date);
      if ((await this.hours(date, now)).isOpen) break;
    }
    for (const date of dates) await this.hours(date, now);
    this.set(decide(now, this.options.settings, (date) => this.cache.get(date)?.hours ?? calendarHours(date, this.options.settings.session)));
    return this.decision;
  }

  /** Refreshes now and then at each change (at least every minute) until stop(). */
  async start(): Promise<ScheduleDecision> {
    const decision = await this.refresh();
    this.arm();
    return decision;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(): void {
    this.stop();
    const next = this.decision.next === null ? Infinity : Date.parse(this.decision.next) - this.now();
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.refresh()
        .catch((error: unknown) => this.options.logger?.warn({ err: error }, 'market-hours schedule: refresh failed'))
        .finally(() => this.arm());
    }, Math.max(0, Math.min(next, MAX_TICK_MS)));
    this.timer.unref();
  }

  private async hours(date: IsoDate, now: number): Promise<DayHours> {
    const cached = this.cache.get(date);
    if (cached && cached.until > now) return cached.hours;
    const settings = this.options.settings;
    const fallback = calendarHours(date, settings.session);
    let entry = { hours: fallback, until: now + RETRY_AFTER_FAILURE_MS };
    // Weekends are closed whatever the endpoint says: no request for them.
    if (this.options.source && weekday(date) < 6) {
      try {
        entry = { hours: schwabHours(await this.options.source(date), date, settings.session), until: now + 6 * 3_600_000 };
        this.warned = false;
      } catch (error) {
        if (!this.warned) this.options.logger?.warn({ err: error, date }, 'market hours unavailable; the built-in NYSE calendar decides');
        this.warned = true;
      }
    } else if (weekday(date) >= 6) {
      entry = { hours: fallback, until: Infinity };
    }
    if (this.cache.size > 64) this.cache.clear();
    this.cache.set(date, entry);
    return entry.hours;
  }

  private set(decision: ScheduleDecision): void {
    const flipped = decision.open !== this.decision.open;
    this.decision = decision;
    this.publish();
    if (flipped) {
      this.options.logger?.info({ schedule: decision }, decision.open ? 'market-hours schedule: stream' : 'market-hours schedule: idle');
      this.emit('change', decision);
    }
  }

  private publish(): void {
    scheduleOpen.set(this.decision.open ? 1 : 0);
    for (const reason of SCHEDULE_REASONS) scheduleReason.set({ reason }, reason === this.decision.why ? 1 : 0);
  }
}
