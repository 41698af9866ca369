// The seed's "Common Query Patterns" and "Health Checks", runnable by name (`db query <name>`, `db health`).
// The SQL is the seed's, with its hard-coded symbol/account turned into parameters.
import pg from 'pg';

export interface NamedQuery {
  name: string;
  description: string;
  sql: string;
  /** Parameter names in $n order, each with the seed's own example as default. */
  params: { name: string; default: string }[];
}

export const QUERIES: readonly NamedQuery[] = [
  {
    name: 'latest-chain',
    description: 'Latest options chain snapshot of an underlying, with its expirations',
    params: [{ name: 'symbol', default: 'AAPL' }],
    sql: `SELECT oc.*, oe.expiration_date, oe.days_to_expiration
FROM options_chains oc
JOIN options_expirations oe ON oc.expiration_id = oe.expiration_id
WHERE oc.underlying_symbol = $1
  AND oc.snapshot_datetime = (
    SELECT MAX(snapshot_datetime)
    FROM options_chains
    WHERE underlying_symbol = $1
  )`,
  },
  {
    name: 'order-history',
    description: "An account's orders of the last 30 days with their legs",
    params: [{ name: 'account_hash', default: 'user_account_hash' }],
    sql: `SELECT o.*, ol.instruction, ol.instrument_symbol, ol.quantity
FROM orders o
JOIN order_legs ol ON o.order_id = ol.order_id
JOIN accounts a ON o.account_id = a.account_id
WHERE a.account_hash = $1
  AND o.entered_time >= NOW() - INTERVAL '30 days'
ORDER BY o.entered_time DESC`,
  },
  {
    name: 'options-volume',
    description: "Today's options volume and average implied volatility by underlying and put/call",
    params: [],
    sql: `SELECT
    underlying_symbol,
    put_call,
    SUM(total_volume) as total_volume,
    AVG(implied_volatility) as avg_iv
FROM options_contracts oc
JOIN options_chains och ON oc.chain_id = och.chain_id
WHERE och.snapshot_datetime >= CURRENT_DATE
  AND oc.total_volume > 0
GROUP BY underlying_symbol, put_call
ORDER BY total_volume DESC`,
  },
  {
    name: 'price-series',
    description: 'Minute closes of a symbol over the last day, with the previous close',
    params: [{ name: 'symbol', default: 'SPY' }],
    sql: `SELECT
    symbol,
    datetime_utc,
    close_price,
    volume,
    LAG(close_price) OVER (PARTITION BY symbol ORDER BY datetime_utc) as prev_close
FROM price_data
WHERE symbol = $1
  AND datetime_utc >= NOW() - INTERVAL '1 day'
  AND frequency_type = 'minute'
ORDER BY datetime_utc`,
  },
  {
    name: 'table-sizes',
    description: 'Size of every table (health check)',
    params: [],
    sql: `SELECT
    schemaname,
    tablename,
    pg_size_pretty(pg_total_relation_size(schemaname||'.'||tablename)) as size
FROM pg_tables
WHERE schemaname = 'public'
ORDER BY pg_total_relation_size(schemaname||'.'||tablename) DESC`,
  },
  {
    name: 'index-usage',
    description: 'Scans and tuples read per index (health check)',
    params: [],
    sql: `SELECT
    schemaname,
    relname AS tablename,
    indexrelname AS indexname,
    idx_scan,
    idx_tup_read,
    idx_tup_fetch
FROM pg_stat_user_indexes
ORDER BY idx_scan DESC`,
  },
];

export const HEALTH_QUERIES = ['table-sizes', 'index-usage'] as const;

export function findQuery(name: string): NamedQuery {
  const query = QUERIES.find((q) => q.name === name);
  if (!query) throw new Error(`unknown query "${name}"; known: ${QUERIES.map((q) => q.name).join(', ')}`);
  return query;
}

/** Runs a named query; `given` overrides parameter defaults by name. */
export async function runQuery(
  db: pg.Pool | pg.ClientBase, name: string, given: Record<string, string> = {},
): Promise<pg.QueryResult> {
  const query = findQuery(name);
  const unknown = Object.keys(given).filter((k) => !query.params.some((p) => p.name === k));
  if (unknown.length) throw new Error(`query "${name}" has no parameter ${unknown.join(', ')}`);
  return db.query(query.sql, query.params.map((p) => given[p.name] ?? p.default));
}
