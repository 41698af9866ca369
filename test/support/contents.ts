// What a database holds, as comparable values, and the reference it is compared with: a fresh replay of the same
// recording. Replay and live share everything after capture, so a recorder that lost or doubled a row differs here
// (one frame may carry several ticks of one symbol, so (seq, symbol) alone is not a key: whole rows are compared).
import type pg from 'pg';
import { createLogger } from '../../src/log/logger.js';
import { Pipeline, type PipelineOptions, type PipelineTotals } from '../../src/pipeline/pipeline.js';
import { recordingIdentity } from '../../src/recording/reader.js';

const QUERIES: Record<string, string> = {
  equity_quotes: `SELECT seq, symbol, received_at, bid_price, ask_price, last_price, total_volume, quote_time, delayed
                    FROM equity_quotes ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9`,
  option_quotes: `SELECT seq, symbol, received_at, bid_price, ask_price, mark_price, delta, open_interest
                    FROM option_quotes ORDER BY 1, 2, 3, 4, 5, 6, 7, 8`,
  price_data: `SELECT symbol, datetime_ms, open_price, high_price, low_price, close_price, volume, data_source
                 FROM price_data ORDER BY symbol, datetime_ms`,
  futures_quotes: `SELECT seq, symbol, received_at, sent_at, bid_price, ask_price, last_price, total_volume, mark, delayed
                     FROM futures_quotes ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10`,
  futures_option_quotes: `SELECT seq, symbol, received_at, sent_at, bid_price, ask_price, last_price, open_interest, strike_price, delayed
                            FROM futures_option_quotes ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10`,
  forex_quotes: `SELECT seq, symbol, received_at, sent_at, bid_price, ask_price, last_price, quote_time, mark, delayed
                   FROM forex_quotes ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10`,
  book_snapshots: `SELECT seq, service, symbol, received_at, sent_at, book_time, bid_prices, bid_sizes, bid_venue_counts, bid_venues,
                           ask_prices, ask_sizes, ask_venue_counts, ask_venues
                      FROM book_snapshots ORDER BY seq, service, symbol, received_at`,
  screener_items: `SELECT seq, service, screener_key, rank, received_at, sent_at, source, sort_field, frequency, snapshot_time, symbol,
                          description, last_price, net_change, net_percent_change, market_share, total_volume, volume, trades
                     FROM screener_items ORDER BY seq, service, screener_key, rank`,
  market_hours: `SELECT market, product, product_name, date::text, is_open, pre_market_start, pre_market_end, regular_market_start,
                        regular_market_end, post_market_start, post_market_end, session_hours, received_at, seq
                   FROM market_hours ORDER BY market, product, date`,
  account_activity: `SELECT seq, message_type, activity_seq, schwab_order_id, message_data FROM account_activity ORDER BY seq, activity_seq, message_type`,
  stream_events: `SELECT seq, event, service FROM stream_events ORDER BY seq`,
  rejected_rows: `SELECT seq, table_name, reason FROM rejected_rows ORDER BY seq, table_name, reason`,
};

export type Contents = Record<string, unknown[]>;

export async function contents(pool: pg.Pool): Promise<Contents> {
  const out: Contents = {};
  for (const [table, sql] of Object.entries(QUERIES)) out[table] = (await pool.query(sql)).rows;
  return out;
}

/** Loads a recording into `pool` the way `schwab-recorder replay` does; `options` override the pipeline's settings. */
export async function replayInto(pool: pg.Pool, recording: string, options: Partial<PipelineOptions> = {}): Promise<PipelineTotals> {
  const pipeline = await Pipeline.open({
    pool, recordingId: await recordingIdentity(recording), recordingPath: recording, logger: createLogger({ level: 'silent' }),
    buffers: { flushRows: 5000, maxRows: 1_000_000, maxBytes: 1 << 30 }, flushIntervalMs: 100,
    retry: { initialDelayMs: 50, maxDelayMs: 500 }, ...options,
  });
  return pipeline.replay();
}
