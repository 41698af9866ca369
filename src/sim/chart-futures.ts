// CHART_FUTURES one-minute bars: field 1 chart time (ms), 2–5 open/high/low/close on the contract's tick grid, 6 volume
// (contracts), and `seq` (real captures carry a growing number there: /ES seq 2224 in Schwabdev's 2025-12 capture;
// here the bar's minute within its Globex session, from 18:00 ET). Like CHART_EQUITY, each tick sends the next
// trading minute (Sunday 18:00 to Friday 17:00 ET, without the daily 17:00–18:00 break) and a (re)subscription first
// re-sends the latest completed bar.
import { MINUTE_MS, isRegularSession } from './calendar.js';
import { globexSessionStart, isGlobexMinute, onTick, type FuturesMarket } from './futures.js';
import { hashUnit } from './prng.js';

/** Real field order (schwab-py `ChartFuturesFields`, Schwabdev docs and captures agree with the Streamer Guide). */
export const CHART_FUTURES_FIELDS = { chartTime: 1, open: 2, high: 3, low: 4, close: 5, volume: 6 } as const;

const MAX_LOOKBACK_MINUTES = 3 * 24 * 60;

export class FuturesChartFeed {
  /** Last minute sent per key. */
  private readonly position = new Map<string, number>();

  constructor(private readonly seed: number, private readonly futures: FuturesMarket) {}

  /** The latest completed trading minute: the bar re-sent on SUBS/ADD (or the last one sent on this key). */
  latest(key: string): number {
    const known = this.position.get(key);
    if (known !== undefined) return known;
    let minute = Math.floor(this.futures.clock() / MINUTE_MS) * MINUTE_MS - MINUTE_MS;
    for (let i = 0; i < MAX_LOOKBACK_MINUTES && !isGlobexMinute(minute); i++) minute -= MINUTE_MS;
    this.position.set(key, minute);
    return minute;
  }

  /** Moves a key to its next trading minute and returns its start. */
  advance(key: string): number {
    let next = this.latest(key) + MINUTE_MS;
    for (let i = 0; i < MAX_LOOKBACK_MINUTES && !isGlobexMinute(next); i++) next += MINUTE_MS;
    this.position.set(key, next);
    return next;
  }

  /** The wire item of a key's bar with the requested fields, or undefined for a key no contract trades under. */
  item(key: string, barStart: number, fields: readonly number[]): Record<string, number | string> | undefined {
    const contract = this.futures.contract(key);
    if (contract === undefined) return undefined;
    const { tick, averageVolume } = contract.product;
    const points = [0, 0.25, 0.5, 0.75, 1].map((f) => this.futures.fairPrice(contract, barStart + f * (MINUTE_MS - 1)));
    const wiggle = tick * Math.round(2 * hashUnit(this.seed, 'fwiggle', key, barStart));
    const shape = isRegularSession(barStart) ? 1 : 0.15;
    const values: Record<number, number> = {
      [CHART_FUTURES_FIELDS.chartTime]: barStart,
      [CHART_FUTURES_FIELDS.open]: onTick(points[0] ?? 0, tick),
      [CHART_FUTURES_FIELDS.high]: onTick(Math.max(...points), tick, 'ceil') + wiggle,
      [CHART_FUTURES_FIELDS.low]: onTick(Math.min(...points), tick, 'floor') - wiggle,
      [CHART_FUTURES_FIELDS.close]: onTick(points[points.length - 1] ?? 0, tick),
      [CHART_FUTURES_FIELDS.volume]: Math.max(1, Math.round((averageVolume / 1380) * shape * (0.3 + 1.4 * hashUnit(this.seed, 'fbar', key, barStart)))),
    };
    const item: Record<string, number | string> = { seq: Math.round((barStart - globexSessionStart(barStart)) / MINUTE_MS), key };
    for (const field of fields) {
      const value = values[field];
      if (value !== undefined) item[String(field)] = Number(value.toFixed(6));
    }
    return item;
  }
}
