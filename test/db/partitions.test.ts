import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  applyRetention, ensurePartitionsAhead, ensurePartitionsFor, listPartitions,
} from '../../src/db/partitions.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const NOW = new Date('2026-11-25T15:00:00Z'); // a Wednesday
const AHEAD = { daily: 7, weekly: 3, monthly: 3 };

async function partitionNames(db: TestDatabase, table: string): Promise<string[]> {
  return (await listPartitions(db.pool)).filter((p) => p.parent === table).map((p) => p.name);
}

async function insertQuote(db: TestDatabase, at: string): Promise<void> {
  await db.pool.query('INSERT INTO equity_quotes (received_at, symbol, bid_price) VALUES ($1, $2, 1.5)', [at, 'AAPL']);
}

async function whereQuotesAre(db: TestDatabase): Promise<string[]> {
  const { rows } = await db.pool.query('SELECT tableoid::regclass::text AS part FROM equity_quotes ORDER BY received_at');
  return rows.map((r) => r.part as string);
}

describe('partitions', () => {
  let db: TestDatabase;
  beforeEach(async () => { db = await createTestDatabase(); });
  afterEach(async () => { await db.drop(); });

  it('creates the current period and the configured number ahead for every partitioned table', async () => {
    await ensurePartitionsAhead(db.pool, AHEAD, NOW);
    expect(await partitionNames(db, 'equity_quotes')).toEqual([
      'equity_quotes_default', 'equity_quotes_p20261125', 'equity_quotes_p20261126', 'equity_quotes_p20261127',
      'equity_quotes_p20261128', 'equity_quotes_p20261129', 'equity_quotes_p20261130', 'equity_quotes_p20261201',
      'equity_quotes_p20261202',
    ]);
    expect(await partitionNames(db, 'options_contracts')).toEqual([
      'options_contracts_default', 'options_contracts_p20261123', 'options_contracts_p20261130',
      'options_contracts_p20261207', 'options_contracts_p20261214',
    ]);
    expect(await partitionNames(db, 'transactions')).toEqual([
      'transactions_default', 'transactions_p202611', 'transactions_p202612', 'transactions_p202701', 'transactions_p202702',
    ]);
    const week = (await listPartitions(db.pool)).find((p) => p.name === 'options_chains_p20261123');
    expect(week?.from?.toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(week?.to?.toISOString()).toBe('2026-11-30T00:00:00.000Z');
  });

  it('is idempotent: a second run creates nothing', async () => {
    // 8 daily tables (the level-one five, account activity, books, screeners) x 8 days, 3 weekly tables x 4 weeks,
    // 5 monthly tables (price data, transactions and their items, balances, positions) x 4 months
    expect((await ensurePartitionsAhead(db.pool, AHEAD, NOW)).length).toBe(64 + 12 + 20);
    expect(await ensurePartitionsAhead(db.pool, AHEAD, NOW)).toEqual([]);
  });

  it('stores a row dated beyond the created partitions in DEFAULT instead of failing', async () => {
    await ensurePartitionsAhead(db.pool, AHEAD, NOW);
    await insertQuote(db, '2030-01-01T10:00:00Z');
    await insertQuote(db, '2026-11-25T10:00:00Z');
    expect(await whereQuotesAre(db)).toEqual(['equity_quotes_p20261125', 'equity_quotes_default']);
  });

  it('moves rows out of DEFAULT into a partition created later for their range', async () => {
    await insertQuote(db, '2030-01-01T10:00:00Z');
    await insertQuote(db, '2030-01-02T10:00:00Z');
    const actions = await ensurePartitionsFor(db.pool, 'equity_quotes', [new Date('2030-01-01T23:59:59Z')]);
    expect(actions).toEqual([{ table: 'equity_quotes', partition: 'equity_quotes_p20300101', action: 'created', detail: 'moved 1 rows from DEFAULT' }]);
    expect(await whereQuotesAre(db)).toEqual(['equity_quotes_p20300101', 'equity_quotes_default']);
    // the attached partition carries the parent's indexes
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = 'equity_quotes_p20300101'`);
    expect(rows[0].n).toBe(1);
  });

  it('leaves rows of a referenced table in DEFAULT rather than cascading deletes to the rows that reference them', async () => {
    await db.pool.query(`INSERT INTO options_chains (underlying_symbol, snapshot_datetime) VALUES ('AAPL', '2030-01-02T15:00:00Z')`);
    await db.pool.query(`INSERT INTO options_contracts (chain_id, snapshot_datetime, option_symbol, put_call, strike_price, expiration_date)
                         SELECT chain_id, snapshot_datetime, 'AAPL  300104C00100000', 'CALL', 100, '2030-01-04' FROM options_chains`);
    const actions = await ensurePartitionsFor(db.pool, 'options_chains', [new Date('2030-01-02T15:00:00Z')]);
    expect(actions[0]?.action).toBe('kept-in-default');
    const { rows } = await db.pool.query('SELECT (SELECT count(*)::int FROM options_chains) AS chains, (SELECT count(*)::int FROM options_contracts) AS contracts');
    expect(rows[0]).toEqual({ chains: 1, contracts: 1 });
  });

  it('drops by retention exactly the partitions whose range ended before the limit, keeping DEFAULT and newer ones', async () => {
    const old = new Date('2026-11-01T12:00:00Z');
    await ensurePartitionsAhead(db.pool, { daily: 30, weekly: 0, monthly: 0 }, old);
    await insertQuote(db, '2026-11-21T10:00:00Z'); // in p20261121, which ends 11-22 00:00: 3.6 days before NOW
    await insertQuote(db, '2026-11-22T10:00:00Z'); // in p20261122, which ends 11-23 00:00: 2.6 days before NOW
    const dropped = await applyRetention(db.pool, { equity_quotes: 3 }, NOW);
    expect(dropped.map((a) => a.partition)).toEqual(
      Array.from({ length: 21 }, (_, i) => `equity_quotes_p202611${String(i + 1).padStart(2, '0')}`));
    const left = await partitionNames(db, 'equity_quotes');
    expect(left[0]).toBe('equity_quotes_default');
    expect(left[1]).toBe('equity_quotes_p20261122');
    expect(await whereQuotesAre(db)).toEqual(['equity_quotes_p20261122']);
  });

  it('a dry run of retention lists the partitions it would drop and drops none', async () => {
    await ensurePartitionsAhead(db.pool, { daily: 0, weekly: 0, monthly: 0 }, new Date('2026-01-10T00:00:00Z'));
    const before = await listPartitions(db.pool);
    const would = await applyRetention(db.pool, { equity_quotes: 30 }, NOW, true);
    expect(would.map((a) => a.partition)).toEqual(['equity_quotes_p20260110']);
    expect(await listPartitions(db.pool)).toEqual(before);
  });

  it('drops a week of chains with its contracts and deliverables, children first', async () => {
    await ensurePartitionsAhead(db.pool, { daily: 0, weekly: 0, monthly: 0 }, new Date('2026-10-05T00:00:00Z'));
    await ensurePartitionsAhead(db.pool, { daily: 0, weekly: 0, monthly: 0 }, NOW);
    for (const at of ['2026-10-06T15:00:00Z', '2026-11-24T15:00:00Z']) {
      const { rows: [chain] } = await db.pool.query(
        `INSERT INTO options_chains (underlying_symbol, snapshot_datetime) VALUES ('AAPL', $1) RETURNING chain_id`, [at]);
      const { rows: [contract] } = await db.pool.query(
        `INSERT INTO options_contracts (chain_id, snapshot_datetime, option_symbol, put_call, strike_price, expiration_date)
         VALUES ($1, $2, 'AAPL  261218C00100000', 'CALL', 100, '2026-12-18') RETURNING contract_id`, [chain.chain_id, at]);
      await db.pool.query(`INSERT INTO option_deliverables (contract_id, snapshot_datetime, symbol) VALUES ($1, $2, 'AAPL')`,
        [contract.contract_id, at]);
    }
    const dropped = await applyRetention(db.pool, { options_chains: 28 }, NOW);
    expect(dropped.map((a) => a.partition)).toEqual([
      'option_deliverables_p20261005', 'options_contracts_p20261005', 'options_chains_p20261005',
    ]);
    const { rows } = await db.pool.query(`SELECT
      (SELECT array_agg(snapshot_datetime::date::text) FROM options_chains) AS chains,
      (SELECT array_agg(snapshot_datetime::date::text) FROM options_contracts) AS contracts,
      (SELECT array_agg(snapshot_datetime::date::text) FROM option_deliverables) AS deliverables`);
    expect(rows[0]).toEqual({ chains: ['2026-11-24'], contracts: ['2026-11-24'], deliverables: ['2026-11-24'] });
  });
});
