// CHART_EQUITY bars (real field order, src/schwab/fields.ts): one bar per key per tick, each the next chart minute
// (07:00–19:59 ET of trading days). The last bar sent per symbol is remembered across connections, so a
// (re)subscription first re-sends the latest existing bar, as Schwab does.
import { CHART_EQUITY } from '../schwab/fields.js';
import { chartDay, chartSequence, latestCompletedChartMinute, nextChartMinute } from './calendar.js';
import type { Market } from './market.js';

export class ChartFeed {
  /** Last minute the feed has reached, per symbol. */
  private readonly position = new Map<string, number>();
  /** Last minute that had a bar (trades), per symbol. */
  private readonly lastBar = new Map<string, number>();

  constructor(private readonly market: Market) {}

  /** Start of the latest existing bar of a symbol: the last one produced, else the last completed minute with trades. */
  latest(symbol: string): number {
    const known = this.lastBar.get(symbol);
    if (known !== undefined) return known;
    let minute = latestCompletedChartMinute(this.market.clock());
    for (let i = 0; i < 240 && chartSequence(minute) > 0 && this.market.minuteCandle(symbol, minute) === undefined; i++) {
      minute -= 60_000;
    }
    this.lastBar.set(symbol, minute);
    this.position.set(symbol, minute);
    return minute;
  }

  /** Moves a symbol to its next chart minute; returns that minute's start (it may have no bar). */
  advance(symbol: string): number {
    const next = nextChartMinute(this.position.get(symbol) ?? this.latest(symbol));
    this.position.set(symbol, next);
    if (this.market.minuteCandle(symbol, next) !== undefined) this.lastBar.set(symbol, next);
    return next;
  }

  /** The wire item of a bar with the requested fields, or undefined when nothing traded in that minute. */
  item(symbol: string, barStart: number, fields: readonly number[]): Record<string, number | string> | undefined {
    const existing = this.lastBar.get(symbol) === barStart;
    const candle = this.market.minuteCandle(symbol, barStart, !existing);
    if (candle === undefined) return undefined;
    const values: Record<number, number> = {
      [CHART_EQUITY.sequence]: chartSequence(barStart),
      [CHART_EQUITY.open]: candle.open,
      [CHART_EQUITY.high]: candle.high,
      [CHART_EQUITY.low]: candle.low,
      [CHART_EQUITY.close]: candle.close,
      [CHART_EQUITY.volume]: candle.volume,
      [CHART_EQUITY.chartTime]: barStart,
      [CHART_EQUITY.chartDay]: chartDay(barStart),
    };
    const item: Record<string, number | string> = { seq: 0, key: symbol };
    for (const field of fields) {
      const value = values[field];
      if (value !== undefined) item[String(field)] = value;
    }
    return item;
  }
}
