// GET /marketdata/v1/movers/{index}?sort=&frequency= bodies: `{"screeners":[…]}`, the top ten of the index, ranked
// exactly as the streamer's screener of the same key (ScreenerFeed: one ranking for SCREENER_EQUITY/SCREENER_OPTION
// and REST). Entries carry their fields in the order of the real captures (z-Wind Mover_real.json, Schwabdev api.md).
// Those 2024 captures show a Schwab defect (netChange equal to lastPrice, netPercentChange 1.0); the simulator sends
// the correct values instead, netPercentChange a fraction as the streamer's screeners send it.
import type { ScreenerEntry, ScreenerFeed } from './screeners.js';

export const MOVERS_INDEXES = ['$DJI', '$COMPX', '$SPX', 'NYSE', 'NASDAQ', 'OTCBB', 'INDEX_ALL', 'EQUITY_ALL', 'OPTION_ALL', 'OPTION_PUT', 'OPTION_CALL'] as const;
export const MOVERS_SORTS = ['VOLUME', 'TRADES', 'PERCENT_CHANGE_UP', 'PERCENT_CHANGE_DOWN'] as const;
export const MOVERS_FREQUENCIES = [0, 1, 5, 10, 30, 60] as const;

export type MoversQuery = { ok: true; key: string; service: 'SCREENER_EQUITY' | 'SCREENER_OPTION' } | { ok: false; detail: string; parameter: string };

/** The screener key a movers request ranks by, or what Schwab would refuse about it. No sort ranks by volume. */
export function moversQuery(index: string, sort: string | null, frequency: string | null): MoversQuery {
  if (!(MOVERS_INDEXES as readonly string[]).includes(index)) return { ok: false, detail: `index must be one of ${MOVERS_INDEXES.join(', ')}`, parameter: 'symbol_id' };
  const sortField = sort ?? 'VOLUME';
  if (!(MOVERS_SORTS as readonly string[]).includes(sortField)) return { ok: false, detail: `sort must be one of ${MOVERS_SORTS.join(', ')}`, parameter: 'sort' };
  const minutes = frequency ?? '0';
  if (!(MOVERS_FREQUENCIES as readonly number[]).map(String).includes(minutes)) {
    return { ok: false, detail: `frequency must be one of ${MOVERS_FREQUENCIES.join(', ')}`, parameter: 'frequency' };
  }
  const service = index.startsWith('OPTION_') ? 'SCREENER_OPTION' : 'SCREENER_EQUITY';
  return { ok: true, key: `${index}_${sortField}_${minutes}`, service };
}

/** The movers body of a valid query: the screener item's ranked list, each entry in the REST field order. */
export function moversBody(screeners: ScreenerFeed, query: Extract<MoversQuery, { ok: true }>): { screeners: Record<string, unknown>[] } {
  const item = screeners.item(query.service, query.key, [4]);
  const entries = (item?.['4'] ?? []) as ScreenerEntry[];
  return {
    screeners: entries.map((e) => ({
      description: e.description, volume: e.volume, lastPrice: e.lastPrice, netChange: e.netChange, marketShare: e.marketShare,
      totalVolume: e.totalVolume, trades: e.trades, netPercentChange: e.netPercentChange, symbol: e.symbol,
    })),
  };
}
