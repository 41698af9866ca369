import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePartitionsAhead } from '../../src/db/partitions.js';
import { migrate } from '../../src/db/migrations.js';
import { catalog, columns, constraints, indexes, relations, type ColumnInfo } from '../support/catalog.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/seed/${name}`, import.meta.url), 'utf8');

// Exactly the column-level deviations docs/schema.md lists; anything else differing from the seed fails.
const EXPECTED_COLUMN_DEVIATIONS = [
  'accounts.account_hash: type character varying(50) -> character varying(128)',
  'options_chains.implied_volatility: type numeric(8,4) -> numeric(12,4)',
  'options_contracts.theoretical_volatility: type numeric(8,4) -> numeric(12,4)',
  'options_contracts.volatility: type numeric(8,4) -> numeric(12,4)',
  'order_legs.order_leg_type: type character varying(20) -> character varying(30)',
  'symbols.asset_type: type character varying(20) -> character varying(30)',
  'symbols.symbol: type character varying(10) -> character varying(50)',
  'transaction_items.fee_type: type character varying(20) -> character varying(30)',
  'transaction_items.price: type numeric(12,4) -> double precision',
  'symbols.exchange: type character varying(10) -> character varying(30)',
  'option_deliverables.snapshot_datetime: added',
  'options_contracts.data_quality_flags: added',
  'options_contracts.snapshot_datetime: added',
  'options_contracts.underlying: added',
  'transaction_items.transaction_time: added',
  'order_activities.activity_ordinal: added',
  'order_activities.schwab_activity_id: added',
  'orders.parent_order_id: added',
  'orders.parent_relation: added',
  'transactions.schwab_order_id: added',
  'price_data.sent_at: added',
  'symbols.cusip: added',
].sort();

// CHECKs of tables the seed does not have.
const ADDED_CHECKS = ["screener_items: CHECK ((source = ANY (ARRAY['stream'::text, 'rest'::text])))"];

// Foreign keys docs/schema.md adds to the seed's.
const ADDED_FOREIGN_KEYS = ['orders -> orders on delete n'];

// The seed names each index and implies its columns through the name and its query patterns.
const SEED_INDEX_COLUMNS: Record<string, string> = {
  idx_accounts_hash: 'account_hash', idx_accounts_type: 'account_type',
  idx_symbols_symbol: 'symbol', idx_symbols_type: 'asset_type',
  idx_price_symbol_datetime: 'symbol, datetime_utc', idx_price_datetime: 'datetime_utc', idx_price_volume: 'volume',
  idx_exp_symbol_date: 'underlying_symbol, expiration_date', idx_exp_type_dte: 'expiration_type, days_to_expiration',
  idx_chains_symbol_snapshot: 'underlying_symbol, snapshot_datetime DESC', idx_chains_expiration: 'expiration_id',
  idx_contracts_chain_type_strike: 'chain_id, put_call, strike_price',
  idx_contracts_symbol_exp: 'option_symbol, expiration_date',
  idx_contracts_underlying_exp_strike: 'underlying, expiration_date, strike_price',
  idx_contracts_volume: 'total_volume', idx_contracts_oi: 'open_interest',
  idx_deliverables_contract: 'contract_id',
  idx_orders_account_status: 'account_id, status', idx_orders_schwab_id: 'schwab_order_id',
  idx_orders_entered_time: 'entered_time', idx_orders_status: 'status',
  idx_legs_order: 'order_id', idx_legs_symbol: 'instrument_symbol', idx_legs_instruction: 'instruction',
  idx_activities_order: 'order_id', idx_activities_type: 'activity_type',
  idx_executions_activity: 'activity_id', idx_executions_leg: 'leg_id', idx_executions_time: 'execution_time',
  idx_transactions_account_time: 'account_id, transaction_time', idx_transactions_schwab_id: 'schwab_activity_id',
  idx_transactions_type_status: 'transaction_type, status', idx_transactions_trade_date: 'trade_date',
  idx_transactions_order_id: 'order_id',
  idx_items_transaction: 'transaction_id', idx_items_symbol: 'instrument_symbol', idx_items_fee_type: 'fee_type',
  idx_items_position_effect: 'position_effect',
};

const PARTITION_KEYS = ['datetime_utc', 'snapshot_datetime', 'transaction_time'];

function columnDeviations(seed: ColumnInfo[], ours: ColumnInfo[]): string[] {
  const seedTables = new Set(seed.map((c) => c.table));
  const key = (c: ColumnInfo) => `${c.table}.${c.column}`;
  const oursByKey = new Map(ours.map((c) => [key(c), c]));
  const seedKeys = new Set(seed.map(key));
  const found: string[] = [];
  for (const s of seed) {
    const o = oursByKey.get(key(s));
    if (!o) { found.push(`${key(s)}: missing`); continue; }
    if (o.type !== s.type) found.push(`${key(s)}: type ${s.type} -> ${o.type}`);
    if (o.nullable !== s.nullable) found.push(`${key(s)}: nullable ${s.nullable} -> ${o.nullable}`);
    // The seed's BIGINT primary keys become BIGSERIAL (listed once in docs/schema.md, for every table).
    const ourDefault = o.default?.startsWith('nextval(') ? null : o.default;
    if (ourDefault !== s.default) found.push(`${key(s)}: default ${s.default} -> ${o.default}`);
  }
  for (const o of ours) if (seedTables.has(o.table) && !seedKeys.has(key(o))) found.push(`${key(o)}: added`);
  return found.sort();
}

describe('schema', () => {
  let seed: TestDatabase;
  let ours: TestDatabase;

  beforeAll(async () => {
    seed = await createTestDatabase({ migrated: false });
    await seed.pool.query(fixture('seed-tables.sql'));
    ours = await createTestDatabase();
  });
  afterAll(async () => {
    await seed?.drop();
    await ours?.drop();
  });

  it('has all 13 seed tables, each seed column with its type, default and NOT NULL, or a listed deviation', async () => {
    const seedColumns = await columns(seed.pool);
    expect(new Set(seedColumns.map((c) => c.table)).size).toBe(13);
    expect(columnDeviations(seedColumns, await columns(ours.pool))).toEqual(EXPECTED_COLUMN_DEVIATIONS);
  });

  it('keeps every seed foreign key with its ON DELETE action, plus the listed ones', async () => {
    const fks = async (db: TestDatabase) => (await db.pool.query(`
      SELECT c.relname || ' -> ' || r.relname || ' on delete ' || k.confdeltype::text AS fk
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class r ON r.oid = k.confrelid
       WHERE k.contype = 'f' AND k.conparentid = 0 AND NOT c.relispartition ORDER BY 1`)).rows.map((r) => r.fk as string);
    const seedFks = await fks(seed);
    expect(seedFks).toHaveLength(11);
    const ourFks = await fks(ours);
    expect(ourFks.filter((fk) => !ADDED_FOREIGN_KEYS.includes(fk))).toEqual(seedFks);
    expect(ourFks.filter((fk) => ADDED_FOREIGN_KEYS.includes(fk))).toEqual(ADDED_FOREIGN_KEYS);
  });

  it('keeps every seed CHECK, with S added to the contracts expiration types', async () => {
    const checks = async (db: TestDatabase) => (await constraints(db.pool))
      .filter((c) => c.type === 'c').map((c) => `${c.table}: ${c.definition}`).sort();
    const expected = (await checks(seed)).map((c) => c.replace(
      "options_contracts: CHECK (((expiration_type)::text = ANY ((ARRAY['M'::character varying, 'W'::character varying, 'Q'::character varying])::text[])))",
      "options_contracts: CHECK (((expiration_type)::text = ANY ((ARRAY['M'::character varying, 'W'::character varying, 'Q'::character varying, 'S'::character varying])::text[])))"));
    expect(expected).toHaveLength(4);
    expect(await checks(ours)).toEqual([...expected, ...ADDED_CHECKS].sort());
  });

  it('keeps every seed UNIQUE, widened only by the partition key', async () => {
    const uniques = async (db: TestDatabase) => (await constraints(db.pool)).filter((c) => c.type === 'u')
      .map((c) => ({ table: c.table, columns: /\(([^)]*)\)/.exec(c.definition)?.[1]?.split(', ') ?? [] }));
    const ourUniques = await uniques(ours);
    const seedUniques = await uniques(seed);
    expect(seedUniques).toHaveLength(8);
    for (const s of seedUniques) {
      const match = ourUniques.find((o) => o.table === s.table
        && s.columns.every((c) => o.columns.includes(c))
        && o.columns.filter((c) => !s.columns.includes(c)).every((c) => PARTITION_KEYS.includes(c)));
      expect(match, `${s.table} (${s.columns.join(', ')})`).toBeDefined();
    }
  });

  it('has every index the seed names, on the columns its name implies', async () => {
    const seedNames = fixture('seed-index-names.txt').trim().split('\n');
    expect(Object.keys(SEED_INDEX_COLUMNS).sort()).toEqual(seedNames);
    const defs = new Map((await indexes(ours.pool)).map((i) => [i.name, i.definition]));
    for (const [name, cols] of Object.entries(SEED_INDEX_COLUMNS)) {
      expect(defs.get(name), name).toMatch(new RegExp(`USING btree \\(${cols}\\)$`));
    }
  });

  it('partitions price_data monthly, chains/contracts/deliverables weekly, transactions and items monthly, ticks daily', async () => {
    const { rows } = await ours.pool.query(`
      SELECT c.relname AS table, pg_get_partkeydef(c.oid) AS key FROM pg_class c
       WHERE c.relkind = 'p' AND c.relnamespace = to_regnamespace(current_schema()) ORDER BY 1`);
    expect(rows).toEqual([
      { table: 'account_activity', key: 'RANGE (received_at)' },
      { table: 'account_balances', key: 'RANGE (snapshot_time)' },
      { table: 'book_snapshots', key: 'RANGE (received_at)' },
      { table: 'equity_quotes', key: 'RANGE (received_at)' },
      { table: 'forex_quotes', key: 'RANGE (received_at)' },
      { table: 'futures_option_quotes', key: 'RANGE (received_at)' },
      { table: 'futures_quotes', key: 'RANGE (received_at)' },
      { table: 'option_deliverables', key: 'RANGE (snapshot_datetime)' },
      { table: 'option_quotes', key: 'RANGE (received_at)' },
      { table: 'options_chains', key: 'RANGE (snapshot_datetime)' },
      { table: 'options_contracts', key: 'RANGE (snapshot_datetime)' },
      { table: 'positions', key: 'RANGE (snapshot_time)' },
      { table: 'price_data', key: 'RANGE (datetime_utc)' },
      { table: 'screener_items', key: 'RANGE (received_at)' },
      { table: 'transaction_items', key: 'RANGE (transaction_time)' },
      { table: 'transactions', key: 'RANGE (transaction_time)' },
    ]);
    const defaults = (await relations(ours.pool)).filter((r) => r.bound === 'DEFAULT').map((r) => r.name);
    expect(defaults).toEqual(rows.map((r) => `${r.table}_default`));
  });

  it('returns to the same catalog after migrating down to zero and up again', async () => {
    const db = await createTestDatabase();
    try {
      const now = new Date('2026-11-25T15:00:00Z');
      const ahead = { daily: 2, weekly: 1, monthly: 1 };
      await ensurePartitionsAhead(db.pool, ahead, now);
      const before = await catalog(db.pool);

      await migrate(db.pool, { to: 0 });
      expect(await relations(db.pool)).toEqual([]);

      await migrate(db.pool);
      await ensurePartitionsAhead(db.pool, ahead, now);
      expect(await catalog(db.pool)).toEqual(before);
    } finally {
      await db.drop();
    }
  });
});
