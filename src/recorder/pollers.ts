// The REST side of `record` (design.md §1): chain snapshots while the market schedule is open (and LEVELONE_OPTIONS
// following their contracts), orders on every account-activity message and on a slower poll, transactions on a poll,
// accounts with their balances and positions at start, while the schedule is open and after account activity
// (userPreference, for nicknames, at start), the recorded equities' fundamentals daily, and minute bars
// for the window of every streamer disconnect. Every body goes through the REST client's capture, so the pipeline
// journals and decodes it like any other line. A failed poll is logged and tried again.
import { DateTime } from 'luxon';
import type { CaptureSink } from '../capture/sink.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import type { SchwabApi } from '../schwab/endpoints.js';
import type { StreamerSession } from '../schwab/streamer/session.js';
import { trackedContracts } from '../schwab/tracked-contracts.js';
import { backfillPrices, gapWindows } from './backfill.js';

/** An ACCT_ACTIVITY message is followed by an orders poll this much later (messages come in bursts per order). */
const ORDERS_AFTER_ACTIVITY_MS = 1000;
/**
 * Activity-triggered balance polls are at least this far apart: a request per account each, and a day of steady
 * fills (or the simulator's) must not take the REST budget the order polls need. The first burst polls at once.
 */
const BALANCES_AFTER_ACTIVITY_SPACING_MS = 30_000;
/** Fundamentals change once a day (after the close); polled at start and then daily. */
const FUNDAMENTALS_INTERVAL_MS = 86_400_000;
/** Symbols per instruments request: keeps the URL short. */
const INSTRUMENTS_PER_REQUEST = 50;

export interface Pollers {
  /** Call when an ACCT_ACTIVITY message arrives. */
  accountActivity(): void;
  /** Call with a `gap` event's window. */
  gap(window: { from: number; to: number }): void;
  stop(): Promise<void>;
}

/** The market schedule as the pollers see it (MarketSchedule): open or not, and `change` when that flips. */
export interface MarketGate {
  readonly open: boolean;
  on(event: 'change', listener: (decision: { open: boolean }) => void): unknown;
  off(event: 'change', listener: (decision: { open: boolean }) => void): unknown;
}

export function startPollers(
  config: Config, api: SchwabApi, session: StreamerSession, capture: Pick<CaptureSink, 'event'>, logger: Logger, market: MarketGate,
): Pollers {
  const timers: NodeJS.Timeout[] = [];
  let chainTimer: NodeJS.Timeout | null = null;
  const running = new Set<Promise<unknown>>();
  let stopped = false;
  let hashes: Promise<string[]> | null = null;
  let ordersSoon: NodeJS.Timeout | null = null;
  let balancesSoon: NodeJS.Timeout | null = null;
  let lastActivityBalances = Number.NEGATIVE_INFINITY;

  const run = (name: string, task: () => Promise<unknown>): void => {
    if (stopped) return;
    const job = task().catch((error: unknown) => logger.warn({ err: error, poll: name }, 'REST poll failed; it runs again on schedule'));
    running.add(job);
    void job.finally(() => running.delete(job));
  };
  const every = (ms: number, name: string, task: () => Promise<unknown>): void => {
    run(name, task);
    timers.push(setInterval(() => run(name, task), ms));
  };
  // Account hashes: every account path takes the hash. Fetched once (accountNumbers also records the accounts).
  const accountHashes = (): Promise<string[]> => (hashes ??= api.accountNumbers().then((list) => list.map((a) => a.hashValue)));

  const chains = async (): Promise<void> => {
    const c = config.snapshots.chains;
    const from = DateTime.utc().plus({ days: c.minDte }).toISODate();
    const to = DateTime.utc().plus({ days: c.maxDte }).toISODate();
    const keys = new Set(config.stream.options);
    for (const symbol of c.underlyings) {
      const body = await api.chains({ symbol, strikeCount: c.strikeCount, includeUnderlyingQuote: true, fromDate: from ?? undefined, toDate: to ?? undefined });
      for (const key of trackedContracts(body, { minDte: c.minDte, maxDte: c.maxDte, strikesAroundMoney: c.subscribeStrikesAroundMoney })) keys.add(key);
    }
    await session.setKeys('LEVELONE_OPTIONS', [...keys]);
  };
  const orders = async (): Promise<void> => {
    const to = Date.now();
    const from = to - config.snapshots.orders.lookbackDays * 86_400_000;
    for (const hash of await accountHashes()) await api.orders(hash, { fromEnteredTime: from, toEnteredTime: to });
  };
  // Balances and positions per account: /accounts/{hash} names its account, the /accounts list does not.
  const balances = async (): Promise<void> => {
    for (const hash of await accountHashes()) await api.account(hash, 'positions');
  };
  const transactions = async (): Promise<void> => {
    const to = Date.now();
    const from = to - config.snapshots.transactions.lookbackDays * 86_400_000;
    for (const hash of await accountHashes()) await api.transactions(hash, { startDate: from, endDate: to });
  };

  // Chains only while the schedule is open: polled overnight and on weekends, a chain repeats its last marks
  // thousands of rows at a time. Orders and transactions change after hours too (and cost a few rows): always.
  const followMarket = (decision: { open: boolean }): void => {
    if (decision.open && !chainTimer && !stopped) {
      run('chains', chains);
      chainTimer = setInterval(() => run('chains', chains), config.snapshots.chains.intervalMs);
    } else if (!decision.open && chainTimer) {
      clearInterval(chainTimer);
      chainTimer = null;
    }
  };
  const fundamentals = async (): Promise<void> => {
    const symbols = config.stream.equities;
    for (let i = 0; i < symbols.length; i += INSTRUMENTS_PER_REQUEST) {
      await api.instruments(symbols.slice(i, i + INSTRUMENTS_PER_REQUEST), 'fundamental');
    }
  };
  run('accounts', async () => {
    await balances();
    // Once more after accountNumbers: the session's userPreference (fetched at connect) may have come before the
    // accounts existed, and its nicknames are matched to stored accounts (store/snapshots/preferences.ts).
    await api.userPreference();
  });
  if (config.stream.equities.length > 0) every(FUNDAMENTALS_INTERVAL_MS, 'fundamentals', fundamentals);
  if (config.snapshots.chains.underlyings.length > 0) {
    followMarket(market);
    market.on('change', followMarket);
  }
  every(config.snapshots.orders.pollIntervalMs, 'orders', orders);
  every(config.snapshots.transactions.pollIntervalMs, 'transactions', transactions);
  // Market hours of today (market_hours): the schedule asks only for equity, and not at all on a simulated feed.
  const hours = config.snapshots.marketHours;
  if (hours.markets.length > 0) every(hours.intervalMs, 'market hours', () => api.markets(hours.markets));
  // Movers rank the session's trading: polled only while the schedule is open, like chains.
  const stopMovers = config.snapshots.movers.indexes.length > 0 ? duringMarket(market, config.snapshots.movers.intervalMs, () => run('movers', async () => {
    const m = config.snapshots.movers;
    for (const index of m.indexes) for (const sort of m.sorts) await api.movers(index, sort, m.frequency);
  })) : () => undefined;

  // Balances move with prices: an equity curve's points, polled while the schedule is open (when it is open at start,
  // the start poll above is the first).
  let startPolled = market.open;
  const stopBalances = duringMarket(market, config.snapshots.accounts.pollIntervalMs, () => {
    if (startPolled) startPolled = false;
    else run('accounts', balances);
  });

  return {
    accountActivity: () => {
      if (stopped) return;
      ordersSoon ??= setTimeout(() => { ordersSoon = null; run('orders', orders); }, ORDERS_AFTER_ACTIVITY_MS);
      // A fill moves balances and positions: one poll per burst of messages, after the burst has had time to land,
      // and never sooner than the spacing after the previous one.
      if (balancesSoon) return;
      const delay = Math.max(config.snapshots.accounts.afterActivityMs, lastActivityBalances + BALANCES_AFTER_ACTIVITY_SPACING_MS - Date.now());
      balancesSoon = setTimeout(() => {
        balancesSoon = null;
        lastActivityBalances = Date.now();
        run('accounts', balances);
      }, delay);
    },
    gap: (window) => {
      const { enabled, maxGapMinutes } = config.snapshots.gapBackfill;
      if (!enabled || config.stream.chartEquities.length === 0) return;
      for (const w of gapWindows(window, maxGapMinutes)) {
        run('gap backfill', async () => {
          const result = await backfillPrices({ api, capture, symbols: config.stream.chartEquities, frequency: 'minute', from: w.from, to: w.to });
          for (const failure of result.failures) logger.warn({ failure }, 'gap backfill request failed');
        });
      }
    },
    stop: async () => {
      stopped = true;
      market.off('change', followMarket);
      followMarket({ open: false });
      stopMovers();
      stopBalances();
      for (const timer of timers) clearInterval(timer);
      if (ordersSoon) clearTimeout(ordersSoon);
      if (balancesSoon) clearTimeout(balancesSoon);
      await Promise.allSettled([...running]);
    },
  };
}

/** Runs `poll` now and every `intervalMs` while `market` is open; the returned function stops it for good. */
function duringMarket(market: MarketGate, intervalMs: number, poll: () => void): () => void {
  let timer: NodeJS.Timeout | null = null;
  const follow = (decision: { open: boolean }): void => {
    if (decision.open && !timer) {
      poll();
      timer = setInterval(poll, intervalMs);
    } else if (!decision.open && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
  follow(market);
  market.on('change', follow);
  return () => {
    market.off('change', follow);
    follow({ open: false });
  };
}
