import { describe, expect, it } from 'vitest';
import {
  activityDateTime, centralMidnight, chartDay, chartSequence, isEarlyClose, isTradingDay, latestCompletedChartMinute,
  nextChartMinute, nyseHolidays, optionExpirationTime, orderTime,
} from '../../src/sim/calendar.js';

describe('simulator calendar', () => {
  it('knows the NYSE holidays, observed on Fridays and Mondays', () => {
    expect([...nyseHolidays(2024)]).toEqual([
      '2024-01-01', '2024-01-15', '2024-02-19', '2024-03-29', '2024-05-27', '2024-06-19', '2024-07-04', '2024-09-02',
      '2024-11-28', '2024-12-25',
    ]);
    expect(nyseHolidays(2026).has('2026-06-19')).toBe(true);
    expect(nyseHolidays(2026).has('2026-07-03')).toBe(true); // July 4th on a Saturday
    expect(nyseHolidays(2022).has('2021-12-31')).toBe(false); // New Year on a Saturday is not observed
    expect(isTradingDay('2024-05-18')).toBe(false);
    expect(isEarlyClose('2024-11-29')).toBe(true);
    expect(isEarlyClose('2024-12-24')).toBe(true);
  });

  it('numbers chart bars as the real captures do: minutes since 07:00 ET and days since the epoch', () => {
    expect(chartSequence(1715903940000)).toBe(779);
    expect(chartDay(1715903940000)).toBe(19859);
    expect(chartSequence(1765307100000)).toBe(425);
    expect(chartDay(1765307100000)).toBe(20431);
  });

  it('walks chart minutes through 07:00–19:59 ET of trading days only', () => {
    expect(nextChartMinute(Date.parse('2024-05-17T23:59:00Z'))).toBe(Date.parse('2024-05-20T11:00:00Z'));
    expect(nextChartMinute(Date.parse('2024-05-16T14:05:00Z'))).toBe(Date.parse('2024-05-16T14:06:00Z'));
    // At 21:15 ET the latest bar is the 19:59 one (SPY's capture).
    expect(latestCompletedChartMinute(1715908546054)).toBe(1715903940000);
  });

  it('formats times per endpoint', () => {
    expect(orderTime(Date.parse('2024-06-06T13:46:03Z'))).toBe('2024-06-06T13:46:03+0000');
    expect(activityDateTime(Date.parse('2025-12-09T19:11:00Z'))).toBe('2025-12-09 14:11:00.000');
    expect(optionExpirationTime('2024-10-18')).toBe('2024-10-18T20:00:00.000+00:00');
    expect(optionExpirationTime('2026-02-18')).toBe('2026-02-18T21:00:00.000+00:00');
    expect(centralMidnight('2023-11-01')).toBe(1698814800000);
    expect(centralMidnight('2024-01-01')).toBe(1704088800000);
  });
});
