// Partition maintenance for the tables sql/ declares PARTITION BY RANGE: create ahead, create on demand,
// list, and drop by retention. Bounds are UTC: days start at 00:00Z, weeks on Monday 00:00Z, months on the 1st.
import { DateTime } from 'luxon';
import pg from 'pg';

export type Period = 'daily' | 'weekly' | 'monthly';

export interface PartitionedTable {
  table: string;
  key: string;
  period: Period;
  /** The table this one's foreign key points at, partitioned the same way: its partitions go first on drop. */
  references?: string;
}

export const PARTITIONED_TABLES: readonly PartitionedTable[] = [
  { table: 'price_data', key: 'datetime_utc', period: 'monthly' },
  { table: 'options_chains', key: 'snapshot_datetime', period: 'weekly' },
  { table: 'options_contracts', key: 'snapshot_datetime', period: 'weekly', references: 'options_chains' },
  { table: 'option_deliverables', key: 'snapshot_datetime', period: 'weekly', references: 'options_contracts' },
  { table: 'transactions', key: 'transaction_time', period: 'monthly' },
  { table: 'transaction_items', key: 'transaction_time', period: 'monthly', references: 'transactions' },
  { table: 'equity_quotes', key: 'received_at', period: 'daily' },
  { table: 'option_quotes', key: 'received_at', period: 'daily' },
  { table: 'account_activity', key: 'received_at', period: 'daily' },
  { table: 'futures_quotes', key: 'received_at', period: 'daily' },
  { table: 'futures_option_quotes', key: 'received_at', period: 'daily' },
  { table: 'forex_quotes', key: 'received_at', period: 'daily' },
  { table: 'book_snapshots', key: 'received_at', period: 'daily' },
  { table: 'screener_items', key: 'received_at', period: 'daily' },
  { table: 'account_balances', key: 'snapshot_time', period: 'monthly' },
  { table: 'positions', key: 'snapshot_time', period: 'monthly' },
];

export interface PartitionInfo {
  parent: string;
  name: string;
  isDefault: boolean;
  from: Date | null;
  to: Date | null;
  estimatedRows: number;
  bytes: number;
}

export interface PartitionAction {
  table: string;
  partition: string;
  action: 'created' | 'dropped' | 'kept-in-default';
  detail?: string;
}

// Serialises partition DDL between recorders, CLI runs and tests sharing a database.
const PARTITION_LOCK_KEY = 'schwab-recorder:partitions';

const UNIT: Record<Period, 'day' | 'week' | 'month'> = { daily: 'day', weekly: 'week', monthly: 'month' };

export function partitionedTable(table: string): PartitionedTable {
  const found = PARTITIONED_TABLES.find((t) => t.table === table);
  if (!found) throw new Error(`${table} is not a partitioned table of schwab-recorder`);
  return found;
}

/** Start of the period containing `instant` (luxon weeks start on Monday). */
export function periodStart(period: Period, instant: Date): DateTime {
  return DateTime.fromJSDate(instant, { zone: 'utc' }).startOf(UNIT[period]);
}

export function partitionName(spec: PartitionedTable, start: DateTime): string {
  return `${spec.table}_p${start.toFormat(spec.period === 'monthly' ? 'yyyyMM' : 'yyyyMMdd')}`;
}

/** Every partition of our partitioned tables, with its bounds, ordered by table then start. */
export async function listPartitions(db: pg.Pool | pg.ClientBase): Promise<PartitionInfo[]> {
  const { rows } = await db.query<{
    parent: string; name: string; bound: string; from: Date | null; to: Date | null; rows: string; bytes: string;
  }>(`
    SELECT p.relname AS parent, c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound,
           (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \\(''([^'']+)''\\)'))[1]::timestamptz AS "from",
           (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''([^'']+)''\\)'))[1]::timestamptz AS "to",
           greatest(c.reltuples, 0)::bigint AS rows, pg_total_relation_size(c.oid) AS bytes
      FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
      JOIN pg_class p ON p.oid = i.inhparent
      JOIN pg_namespace n ON n.oid = p.relnamespace
     WHERE n.nspname = current_schema() AND p.relname = ANY($1)
     ORDER BY p.relname, 5 NULLS FIRST`, [PARTITIONED_TABLES.map((t) => t.table)]);
  return rows.map((r) => ({
    parent: r.parent, name: r.name, isDefault: r.bound === 'DEFAULT', from: r.from, to: r.to,
    estimatedRows: Number(r.rows), bytes: Number(r.bytes),
  }));
}

/** Creates the current period's partition and `ahead` more for every table (ahead counted in each table's period). */
export async function ensurePartitionsAhead(
  pool: pg.Pool, ahead: Record<Period, number>, now: Date = new Date(),
): Promise<PartitionAction[]> {
  const actions: PartitionAction[] = [];
  for (const spec of PARTITIONED_TABLES) {
    const first = periodStart(spec.period, now);
    for (let i = 0; i <= ahead[spec.period]; i++) {
      actions.push(...await ensurePartition(pool, spec, first.plus({ [UNIT[spec.period]]: i })));
    }
  }
  return actions;
}

/** Creates whatever partitions `instants` of `table` need (before a COPY whose rows fall outside them). */
export async function ensurePartitionsFor(pool: pg.Pool, table: string, instants: Iterable<Date>): Promise<PartitionAction[]> {
  const spec = partitionedTable(table);
  const starts = new Map<number, DateTime>();
  for (const instant of instants) {
    const start = periodStart(spec.period, instant);
    starts.set(start.toMillis(), start);
  }
  const actions: PartitionAction[] = [];
  for (const start of starts.values()) actions.push(...await ensurePartition(pool, spec, start));
  return actions;
}

async function ensurePartition(pool: pg.Pool, spec: PartitionedTable, start: DateTime): Promise<PartitionAction[]> {
  const name = partitionName(spec, start);
  const from = start.toJSDate();
  const to = start.plus({ [UNIT[spec.period]]: 1 }).toJSDate();
  const action = await underPartitionLock(pool, (client) => createPartitionLocked(client, spec, name, from, to));
  return action ? [action] : [];
}

/** Runs partition DDL in one transaction holding the lock that serialises it across processes. */
async function underPartitionLock<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [PARTITION_LOCK_KEY]);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

async function createPartitionLocked(
  client: pg.ClientBase, spec: PartitionedTable, name: string, from: Date, to: Date,
): Promise<PartitionAction | null> {
  if (await relationExists(client, name)) return null;
  const parent = pg.escapeIdentifier(spec.table);
  const part = pg.escapeIdentifier(name);
  const bounds = `FOR VALUES FROM (${pg.escapeLiteral(from.toISOString())}) TO (${pg.escapeLiteral(to.toISOString())})`;
  const strays = await defaultRowsIn(client, spec, from, to);
  if (strays > 0 && isReferenced(spec.table)) {
    // Moving rows out of DEFAULT would fire ON DELETE CASCADE on the rows that reference them: leave the range
    // to DEFAULT (queries still see the rows) and say so.
    return { table: spec.table, partition: name, action: 'kept-in-default',
      detail: `${strays} rows of this range are in ${spec.table}_default and other tables reference them` };
  }
  if (strays > 0) {
    await client.query(`CREATE TABLE ${part} (LIKE ${parent} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
    await client.query(
      `WITH moved AS (DELETE FROM ${pg.escapeIdentifier(`${spec.table}_default`)}
                       WHERE ${pg.escapeIdentifier(spec.key)} >= $1 AND ${pg.escapeIdentifier(spec.key)} < $2 RETURNING *)
       INSERT INTO ${part} SELECT * FROM moved`, [from, to]);
    await client.query(`ALTER TABLE ${parent} ATTACH PARTITION ${part} ${bounds}`);
  } else {
    await client.query(`CREATE TABLE ${part} PARTITION OF ${parent} ${bounds}`);
  }
  await matchParentOwner(client, spec.table, name);
  return { table: spec.table, partition: name, action: 'created', detail: strays > 0 ? `moved ${strays} rows from DEFAULT` : undefined };
}

async function relationExists(client: pg.ClientBase, name: string): Promise<boolean> {
  const { rows } = await client.query('SELECT to_regclass($1) IS NOT NULL AS exists', [pg.escapeIdentifier(name)]);
  return rows[0].exists === true;
}

async function defaultRowsIn(client: pg.ClientBase, spec: PartitionedTable, from: Date, to: Date): Promise<number> {
  const key = pg.escapeIdentifier(spec.key);
  const { rows } = await client.query(
    `SELECT count(*)::int AS n FROM ${pg.escapeIdentifier(`${spec.table}_default`)} WHERE ${key} >= $1 AND ${key} < $2`,
    [from, to]);
  return rows[0].n as number;
}

function isReferenced(table: string): boolean {
  return PARTITIONED_TABLES.some((t) => t.references === table);
}

// A partition created by an administrator must still belong to the table's owner (the writer role, once
// `db roles` has run), or the recorder could not drop it by retention later.
async function matchParentOwner(client: pg.ClientBase, parent: string, partition: string): Promise<void> {
  const { rows } = await client.query(
    `SELECT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE oid = to_regclass($1)`, [pg.escapeIdentifier(parent)]);
  const owner = rows[0]?.owner as string | undefined;
  if (owner) await client.query(`ALTER TABLE ${pg.escapeIdentifier(partition)} OWNER TO ${pg.escapeIdentifier(owner)}`);
}

/**
 * Drops the partitions whose whole range ended more than `retentionDays[table]` days before `now`. A table that
 * references another is held to the stricter of both limits, and its partitions are dropped first.
 */
export async function applyRetention(
  pool: pg.Pool, retentionDays: Record<string, number | null>, now: Date = new Date(), dryRun = false,
): Promise<PartitionAction[]> {
  const partitions = await listPartitions(pool);
  const actions: PartitionAction[] = [];
  for (const spec of dropOrder()) {
    const days = effectiveRetentionDays(spec, retentionDays);
    if (days === null) continue;
    const cutoff = DateTime.fromJSDate(now, { zone: 'utc' }).minus({ days }).toJSDate();
    for (const p of partitions) {
      if (p.parent !== spec.table || p.isDefault || !p.to || p.to > cutoff) continue;
      if (!dryRun) await dropPartition(pool, spec.table, p.name);
      actions.push({ table: spec.table, partition: p.name, action: 'dropped', detail: `ended ${p.to.toISOString()}` });
    }
  }
  return actions;
}

export function effectiveRetentionDays(spec: PartitionedTable, retentionDays: Record<string, number | null>): number | null {
  const own = retentionDays[spec.table] ?? null;
  if (!spec.references) return own;
  const parent = effectiveRetentionDays(partitionedTable(spec.references), retentionDays);
  if (own === null) return parent;
  return parent === null ? own : Math.min(own, parent);
}

/** Tables ordered so that a referencing table comes before the table it references. */
function dropOrder(): PartitionedTable[] {
  const depth = (t: PartitionedTable): number => (t.references ? 1 + depth(partitionedTable(t.references)) : 0);
  return [...PARTITIONED_TABLES].sort((a, b) => depth(b) - depth(a));
}

async function dropPartition(pool: pg.Pool, parent: string, partition: string): Promise<void> {
  await underPartitionLock(pool, async (client) => {
    await client.query(`ALTER TABLE ${pg.escapeIdentifier(parent)} DETACH PARTITION ${pg.escapeIdentifier(partition)}`);
    await client.query(`DROP TABLE ${pg.escapeIdentifier(partition)}`);
  });
}
