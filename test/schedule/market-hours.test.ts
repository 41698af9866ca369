import { describe, expect, it } from 'vitest';
import { registry } from '../../src/metrics/registry.js';
import { MarketSchedule, schwabHours, type MarketHoursSource, type ScheduleSettings } from '../../src/schedule/market-hours.js';
import type { Markets } from '../../src/schwab/schemas/markets.js';
import { marketHours } from '../../src/sim/markets.js';

const REGULAR: ScheduleSettings = { enabled: true, connectBeforeMinutes: 15, disconnectAfterMinutes: 15, session: 'regular' };
const EXTENDED: ScheduleSettings = { ...REGULAR, session: 'extended' };

/** Schwab's endpoint as the simulator serves it (same shapes: ET offsets, `isOpen:false` on closed days). */
const simulatedSchwab: MarketHoursSource = async (date) => marketHours(['equity'], date) as Markets;
const failing: MarketHoursSource = async () => { throw new Error('503 from markets'); };

async function at(utc: string, settings = REGULAR, source: MarketHoursSource | undefined = simulatedSchwab) {
  const schedule = new MarketSchedule({ settings, now: () => Date.parse(utc), source });
  return schedule.refresh();
}

const instant = (iso: string | null): string | null => iso === null ? null : new Date(Date.parse(iso)).toISOString();

describe('market-hours schedule', () => {
  it('opens 15 minutes before 09:30 ET and closes 15 minutes after 16:00 ET, in winter (UTC-5) and summer (UTC-4)', async () => {
    // Winter: 09:30 ET = 14:30 UTC.
    expect(await at('2026-01-15T14:14:59Z')).toMatchObject({ open: false, why: 'before-session', source: 'schwab' });
    expect(instant((await at('2026-01-15T14:14:59Z')).next)).toBe('2026-01-15T14:15:00.000Z');
    const winterOpen = await at('2026-01-15T14:15:00Z');
    expect(winterOpen).toMatchObject({ open: true, why: 'in-session' });
    expect(instant(winterOpen.next)).toBe('2026-01-15T21:15:00.000Z'); // 16:00 ET + 15 min
    expect(await at('2026-01-15T21:15:00Z')).toMatchObject({ open: false, why: 'after-session' });
    // Summer: 09:30 ET = 13:30 UTC.
    expect(await at('2026-07-15T13:14:59Z')).toMatchObject({ open: false, why: 'before-session' });
    const summerOpen = await at('2026-07-15T13:15:00Z');
    expect(summerOpen).toMatchObject({ open: true, why: 'in-session' });
    expect(instant(summerOpen.next)).toBe('2026-07-15T20:15:00.000Z');
    expect(await at('2026-07-15T20:14:59Z')).toMatchObject({ open: true });
  });

  it('crosses both DST changes: the weekend of the change points at Monday 09:15 ET in the new offset', async () => {
    // Spring forward on Sunday 2026-03-08: Friday is UTC-5, Monday UTC-4.
    expect(instant((await at('2026-03-06T21:16:00Z')).next)).toBe('2026-03-09T13:15:00.000Z');
    const springSunday = await at('2026-03-08T12:00:00Z');
    expect(springSunday).toMatchObject({ open: false, why: 'weekend' });
    expect(springSunday.next).toBe('2026-03-09T09:15:00.000-04:00');
    expect(await at('2026-03-09T13:15:00Z')).toMatchObject({ open: true });
    expect(await at('2026-03-06T14:15:00Z')).toMatchObject({ open: true });
    expect(await at('2026-03-06T13:15:00Z')).toMatchObject({ open: false, why: 'before-session' });
    // Fall back on Sunday 2026-11-01: Friday is UTC-4, Monday UTC-5.
    expect(await at('2026-10-30T13:15:00Z')).toMatchObject({ open: true });
    const fallSunday = await at('2026-11-01T12:00:00Z');
    expect(fallSunday).toMatchObject({ open: false, why: 'weekend' });
    expect(fallSunday.next).toBe('2026-11-02T09:15:00.000-05:00');
    expect(await at('2026-11-02T13:15:00Z')).toMatchObject({ open: false, why: 'before-session' });
    expect(await at('2026-11-02T14:15:00Z')).toMatchObject({ open: true });
  });

  it('idles on Thanksgiving and leaves early on the day after (13:00 ET close)', async () => {
    const thanksgiving = await at('2026-11-26T15:00:00Z');
    expect(thanksgiving).toMatchObject({ open: false, why: 'holiday', source: 'schwab' });
    expect(thanksgiving.next).toBe('2026-11-27T09:15:00.000-05:00');
    const blackFriday = await at('2026-11-27T18:14:00Z'); // 13:14 ET
    expect(blackFriday).toMatchObject({ open: true, why: 'in-session' });
    expect(instant(blackFriday.next)).toBe('2026-11-27T18:15:00.000Z'); // 13:00 ET + 15 min
    const afterEarlyClose = await at('2026-11-27T18:20:00Z');
    expect(afterEarlyClose).toMatchObject({ open: false, why: 'early-close' });
    expect(afterEarlyClose.next).toBe('2026-11-30T09:15:00.000-05:00');
    // Extended hours: 07:00 ET pre-market to the 17:00 ET post-market end of an early close.
    expect(await at('2026-11-27T11:45:00Z', EXTENDED)).toMatchObject({ open: true });
    expect(await at('2026-11-27T22:14:00Z', EXTENDED)).toMatchObject({ open: true });
    expect(await at('2026-11-27T22:15:00Z', EXTENDED)).toMatchObject({ open: false, why: 'early-close' });
  });

  it('idles on weekends', async () => {
    const saturday = await at('2026-06-13T15:00:00Z', EXTENDED);
    expect(saturday).toMatchObject({ open: false, why: 'weekend' });
    expect(saturday.next).toBe('2026-06-15T06:45:00.000-04:00');
  });

  it('falls back to the built-in calendar when the endpoint fails, with the same answers', async () => {
    expect(await at('2026-11-26T15:00:00Z', REGULAR, failing)).toMatchObject({ open: false, why: 'holiday', source: 'calendar' });
    expect(await at('2026-11-27T18:20:00Z', REGULAR, failing)).toMatchObject({ open: false, why: 'early-close', source: 'calendar' });
    expect(await at('2026-03-09T13:15:00Z', REGULAR, failing)).toMatchObject({ open: true, source: 'calendar' });
    expect(await at('2026-03-08T12:00:00Z', REGULAR, undefined)).toMatchObject({ open: false, why: 'weekend' });
  });

  it("trusts Schwab's hours over the calendar (an unscheduled closure)", async () => {
    const closedWednesday: MarketHoursSource = async (date) => date === '2026-01-14'
      ? { equity: { equity: { date, marketType: 'EQUITY', product: 'equity', isOpen: false } } } as Markets
      : simulatedSchwab(date);
    const schedule = new MarketSchedule({ settings: REGULAR, now: () => Date.parse('2026-01-14T16:00:00Z'), source: closedWednesday });
    expect(await schedule.refresh()).toMatchObject({ open: false, why: 'holiday', source: 'schwab', next: '2026-01-15T09:15:00.000-05:00' });
  });

  it('reads session hours with their ET offsets', () => {
    const hours = schwabHours(marketHours(['equity'], '2026-07-02') as Markets, '2026-07-02', 'extended');
    expect(new Date(hours.start!).toISOString()).toBe('2026-07-02T11:00:00.000Z');
    expect(new Date(hours.end!).toISOString()).toBe('2026-07-03T00:00:00.000Z');
    expect(hours.earlyClose).toBe(false);
    // July 3 2026 is a Friday and Independence Day a Saturday: the holiday is observed on the 3rd.
    expect(schwabHours(marketHours(['equity'], '2026-07-03') as Markets, '2026-07-03', 'regular').isOpen).toBe(false);
  });

  it('follows the clock and publishes why in the metrics', async () => {
    let now = Date.parse('2026-11-26T15:00:00Z');
    const schedule = new MarketSchedule({ settings: REGULAR, now: () => now, source: simulatedSchwab });
    const changes: boolean[] = [];
    schedule.on('change', (decision: { open: boolean }) => changes.push(decision.open));
    await schedule.refresh();
    let text = await registry.getSingleMetricAsString('recorder_schedule_idle_reason');
    expect(text).toContain('recorder_schedule_idle_reason{reason="holiday"} 1');
    expect(await registry.getSingleMetricAsString('recorder_schedule_open')).toContain('recorder_schedule_open 0');
    now = Date.parse('2026-11-27T15:00:00Z');
    await schedule.refresh();
    expect(changes).toEqual([true]);
    text = await registry.getSingleMetricAsString('recorder_schedule_idle_reason');
    expect(text).toContain('recorder_schedule_idle_reason{reason="in-session"} 1');
    expect(text).toContain('recorder_schedule_idle_reason{reason="holiday"} 0');
    expect(await registry.getSingleMetricAsString('recorder_schedule_open')).toContain('recorder_schedule_open 1');
  });

  it('is always open when disabled', async () => {
    expect(await at('2026-06-13T15:00:00Z', { ...REGULAR, enabled: false })).toMatchObject({ open: true, why: 'disabled', next: null });
  });
});
