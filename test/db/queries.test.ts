import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePartitionsAhead } from '../../src/db/partitions.js';
import { QUERIES, findQuery, runQuery } from '../../src/db/queries.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

// A realistic volume: 200 symbols x 1170 minute bars over 2.4 days (234k rows), and 40 underlyings x 12 expirations x
// 100 intraday snapshots of chains (48k chains) with 20 contracts each for the newest snapshots.
async function populate(db: TestDatabase): Promise<void> {
  await ensurePartitionsAhead(db.pool, { daily: 1, weekly: 1, monthly: 1 }, new Date());
  await db.pool.query(`
    INSERT INTO price_data (symbol, datetime_ms, datetime_utc, open_price, high_price, low_price, close_price, volume, frequency_type, data_source)
    SELECT 'S' || s, extract(epoch FROM t)::bigint * 1000, t, 100 + s, 101 + s, 99 + s, 100.5 + s, 1000 * m, 'minute', 'schwab_stream'
      FROM generate_series(1, 199) s,
           generate_series(0, 1169) m,
           LATERAL (SELECT date_trunc('minute', now()) - make_interval(mins => m * 3) AS t) x`);
  await db.pool.query(`
    INSERT INTO price_data (symbol, datetime_ms, datetime_utc, open_price, high_price, low_price, close_price, volume, frequency_type)
    SELECT 'SPY', extract(epoch FROM t)::bigint * 1000, t, 590, 591, 589, 590 + m / 1000.0, 5000, 'minute'
      FROM generate_series(0, 1169) m, LATERAL (SELECT date_trunc('minute', now()) - make_interval(mins => m * 3) AS t) x`);
  await db.pool.query(`
    INSERT INTO options_expirations (underlying_symbol, expiration_date, days_to_expiration, expiration_type)
    SELECT CASE WHEN u = 0 THEN 'AAPL' ELSE 'U' || u END, current_date + 7 * e, 7 * e, 'W'
      FROM generate_series(0, 39) u, generate_series(1, 12) e`);
  await db.pool.query(`
    INSERT INTO options_chains (underlying_symbol, expiration_id, snapshot_datetime, underlying_price, implied_volatility)
    SELECT x.underlying_symbol, x.expiration_id, date_trunc('minute', now()) - make_interval(mins => k), 230, 29
      FROM options_expirations x, generate_series(0, 99) k`);
  await db.pool.query(`
    INSERT INTO options_contracts (chain_id, snapshot_datetime, underlying, option_symbol, put_call, strike_price,
                                   expiration_date, total_volume, open_interest, volatility)
    SELECT c.chain_id, c.snapshot_datetime, c.underlying_symbol, c.underlying_symbol || ' ' || c.chain_id || pc || k,
           pc, 200 + k * 5, current_date + 7, 10 * k, 100 * k, 30
      FROM options_chains c, generate_series(1, 10) k, (VALUES ('CALL'), ('PUT')) v(pc)
     WHERE c.snapshot_datetime >= date_trunc('minute', now()) - interval '4 minutes'`);
  await db.pool.query(`INSERT INTO accounts (account_hash, account_type) VALUES ('user_account_hash', 'MARGIN')`);
  await db.pool.query(`
    INSERT INTO orders (schwab_order_id, account_id, status, entered_time)
    SELECT 1000 + i, 1, 'FILLED', now() - make_interval(days => i) FROM generate_series(0, 59) i`);
  await db.pool.query(`INSERT INTO order_legs (order_id, schwab_leg_id, instruction, instrument_symbol, quantity)
                       SELECT order_id, 1, 'BUY', 'AAPL', 10 FROM orders`);
  await db.pool.query('ANALYZE');
}

/** The seed indexes a plan uses: a partition's index is reported as the partitioned index it belongs to. */
async function indexesUsed(db: TestDatabase, sql: string, params: unknown[]): Promise<Set<string>> {
  const { rows } = await db.pool.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
  const names = new Set<string>();
  const walk = (node: Record<string, unknown>): void => {
    if (typeof node['Index Name'] === 'string') names.add(node['Index Name']);
    for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
  };
  walk(rows[0]['QUERY PLAN'][0].Plan);
  const roots = await db.pool.query(
    `SELECT DISTINCT pg_partition_root(to_regclass(n))::text AS root FROM unnest($1::text[]) n`, [[...names]]);
  return new Set(roots.rows.map((r) => r.root as string));
}

describe('seed query patterns and health checks', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await populate(db);
  }, 120_000);
  afterAll(async () => { await db?.drop(); });

  it('latest-chain returns the newest snapshot of the underlying, one row per expiration', async () => {
    const { rows } = await runQuery(db.pool, 'latest-chain', { symbol: 'AAPL' });
    expect(rows).toHaveLength(12);
    expect(new Set(rows.map((r) => r.snapshot_datetime.getTime())).size).toBe(1);
    expect(rows.every((r) => r.underlying_symbol === 'AAPL')).toBe(true);
  });

  it('order-history returns the last 30 days of the account, newest first', async () => {
    const { rows } = await runQuery(db.pool, 'order-history');
    expect(rows).toHaveLength(30);
    expect(rows[0].schwab_order_id).toBe('1000');
    expect(rows.map((r) => r.entered_time.getTime())).toEqual([...rows.map((r) => r.entered_time.getTime())].sort((a, b) => b - a));
  });

  it('options-volume sums today\'s volume per underlying and put/call', async () => {
    const { rows } = await runQuery(db.pool, 'options-volume');
    expect(rows).toHaveLength(80); // 40 underlyings x put/call
    const aaplCalls = rows.find((r) => r.underlying_symbol === 'AAPL' && r.put_call === 'CALL');
    // contracts exist for the 5 newest snapshots of 12 expirations, 10 strikes each with volume 10..100
    expect(aaplCalls?.total_volume).toBe(String(5 * 12 * 550));
  });

  it('price-series returns a day of minute closes with the previous close', async () => {
    const { rows } = await runQuery(db.pool, 'price-series', { symbol: 'SPY' });
    expect(rows.length).toBeGreaterThanOrEqual(480);
    expect(rows.length).toBeLessThanOrEqual(481);
    expect(rows[0].prev_close).toBeNull();
    expect(rows[1].prev_close).toBe(rows[0].close_price);
  });

  it('the health checks list table sizes and index usage', async () => {
    const sizes = await runQuery(db.pool, 'table-sizes');
    expect(sizes.rows.map((r) => r.tablename)).toContain('price_data_default');
    const usage = await runQuery(db.pool, 'index-usage');
    expect(usage.rows.map((r) => r.indexname)).toContain('idx_accounts_hash');
  });

  it('plans the price series on idx_price_symbol_datetime', async () => {
    const q = findQuery('price-series');
    expect(await indexesUsed(db, q.sql, ['SPY'])).toContain('idx_price_symbol_datetime');
  });

  it('plans the latest chain on idx_chains_symbol_snapshot', async () => {
    const q = findQuery('latest-chain');
    expect(await indexesUsed(db, q.sql, ['AAPL'])).toContain('idx_chains_symbol_snapshot');
  });

  it('rejects an unknown query or parameter with the known names', async () => {
    await expect(runQuery(db.pool, 'nope')).rejects.toThrow(/unknown query "nope"; known: latest-chain, order-history/);
    await expect(runQuery(db.pool, 'price-series', { ticker: 'X' })).rejects.toThrow(/has no parameter ticker/);
    expect(QUERIES.map((q) => q.name)).toEqual(
      ['latest-chain', 'order-history', 'options-volume', 'price-series', 'table-sizes', 'index-usage']);
  });
});
