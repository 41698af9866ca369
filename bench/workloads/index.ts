// The four workloads of the Benchmark issue, (e) books and screeners of issue 13, and their sizes in a full and a
// --quick run.
import { equitySymbols, optionSymbols } from './level-one.js';
import type { LiveSpec } from '../jobs/types.js';

export type WorkloadId = 'a' | 'b' | 'c' | 'd' | 'e';

export const WORKLOADS: Record<WorkloadId, { title: string; tables: string[]; storage?: string }> = {
  a: { title: '(a) level-one equities, 500 symbols', tables: ['equity_quotes'] },
  b: { title: '(b) level-one options, 3000 SPY contracts', tables: ['option_quotes'] },
  c: { title: '(c) chain snapshots of $SPX (~3,700 contracts each)', tables: ['options_expirations', 'options_chains', 'options_contracts', 'option_deliverables'] },
  d: {
    title: '(d) mixed market-hours profile',
    tables: ['equity_quotes', 'option_quotes', 'price_data', 'account_activity', 'options_expirations', 'options_chains', 'options_contracts', 'option_deliverables'],
  },
  // storage: the table whose stored bytes per row (heap, indexes and TOAST of every partition) each job reports.
  e: { title: '(e) books and screeners, 200 symbols', tables: ['book_snapshots', 'screener_items'], storage: 'book_snapshots' },
};

export interface Sizes {
  /** Rows of the 1× level-one recordings. */
  levelOneRows: number;
  scales: number[];
  chainSnapshots: number;
  /** Live windows, seconds. */
  maxSpeedSeconds: number;
  /** Each step of the offered-rate sweep. */
  sweepSeconds: number;
  warmupSeconds: number;
  driftMinutes: number;
  outage: { afterSeconds: number; outageSeconds: number; afterRestartSeconds: number };
  mixedSeconds: number;
  /** Book ticks of (e): 200 whole books each (NYSE_BOOK and NASDAQ_BOOK), a screener frame every fifth. */
  bookTicks: number;
}

export function sizes(quick: boolean, driftMinutes: number | undefined): Sizes {
  return quick
    ? { levelOneRows: 20_000, scales: [1, 4, 16], chainSnapshots: 3, maxSpeedSeconds: 10, sweepSeconds: 8, warmupSeconds: 3, driftMinutes: driftMinutes ?? 1, outage: { afterSeconds: 5, outageSeconds: 10, afterRestartSeconds: 15 }, mixedSeconds: 20, bookTicks: 100 }
    : { levelOneRows: 200_000, scales: [1, 4, 16], chainSnapshots: 12, maxSpeedSeconds: 30, sweepSeconds: 20, warmupSeconds: 5, driftMinutes: driftMinutes ?? 10, outage: { afterSeconds: 10, outageSeconds: 30, afterRestartSeconds: 30 }, mixedSeconds: 90, bookTicks: 500 };
}

/** Receive times of the level-one recordings are spaced as offered at this rate; also the fixed rate over the socket. */
export const OFFERED_ROWS_PER_SECOND = 20_000;
/** Items per frame in the level-one recordings (Schwab batches several keys' changes into one frame). */
export const ITEMS_PER_FRAME = 50;

/**
 * Pre-rendered items the simulator replays for (a) and (b): a fresh random-walk quote costs it more CPU than the
 * recorder spends storing the row, and on 2 cores that CPU would come out of the recorder's share. The ring is
 * rebuilt after every subscription change, hence a small one for 3000 option keys (12 ADD requests).
 */
const EQUITY_RING = 20_000;
const OPTION_RING = 6000;

/** Workload (a) over the socket: 500 equities and nothing else. */
export function equitiesLive(recordingsDir: string, updatesPerSecond: number, seconds: number, warmupSeconds: number): LiveSpec {
  return { recordingsDir, equities: equitySymbols(), options: [], chartEquities: [], accountActivity: false, updatesPerSecond, itemRing: EQUITY_RING, seconds, warmupSeconds };
}

/** Workload (b) over the socket: 3000 option contracts (past Schwab's 500 keys: the simulator is told to allow it). */
export function optionsLive(recordingsDir: string, seconds: number, warmupSeconds: number): LiveSpec {
  return { recordingsDir, equities: [], options: optionSymbols(), chartEquities: [], accountActivity: false, updatesPerSecond: 0, itemRing: OPTION_RING, seconds, warmupSeconds };
}

/**
 * Workload (d): 200 equities and 1000 option contracts at 5,000 level-one updates/s in all, CHART_EQUITY bars for the
 * 200 equities (one per symbol per second: chart minutes run 60× fast), ACCT_ACTIVITY for an order every 5 s, a SPY
 * and an AAPL chain every 15 s (the contracts they track join LEVELONE_OPTIONS), orders polled every 10 s.
 */
export function mixedLive(recordingsDir: string, seconds: number, warmupSeconds: number): LiveSpec {
  const equities = equitySymbols(200);
  return {
    recordingsDir, equities, options: optionSymbols(1000), chartEquities: equities, accountActivity: true, updatesPerSecond: 5000,
    chartBarIntervalMs: 1000, orderIntervalMs: 5000, chainUnderlyings: ['SPY', 'AAPL'], chainIntervalMs: 15_000, ordersPollMs: 10_000,
    seconds, warmupSeconds,
  };
}
