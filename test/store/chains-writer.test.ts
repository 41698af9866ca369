import { readFileSync } from 'node:fs';
import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensurePartitionsFor } from '../../src/db/partitions.js';
import {
  CHAIN_COLUMNS, CONTRACT_COLUMNS, DELIVERABLE_COLUMNS, EXPIRATION_COLUMNS, decodeChain, decodeExpirationChain,
  type ChainSnapshot, type ExpirationsSnapshot,
} from '../../src/decode/rest/chains.js';
import type { ColumnSpec, ColumnType } from '../../src/decode/tables.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import {
  CHAIN_PARTITIONED_TABLES, chainPartitionInstants, chainWriter, expirationsWriter,
} from '../../src/store/snapshots/chains.js';
import type { SnapshotRecord, SnapshotWriteResult, SnapshotWriter } from '../../src/store/snapshots/types.js';
import { columns, type ColumnInfo } from '../support/catalog.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const TABLES = ['options_expirations', 'options_chains', 'options_contracts', 'option_deliverables'] as const;

let db: TestDatabase;
let sim: Simulator;
/** Chain bodies from the simulator, fetched once: AAPL (one root) and $SPX (SPX and SPXW at one date). */
const bodies: Record<string, unknown> = {};
/** A snapshot time in the simulator's day (its chains are listed from today). */
const T1 = Date.now();

beforeAll(async () => {
  db = await createTestDatabase();
  sim = await startSimulator({ seed: 7 });
  const { access_token: token } = sim.issueTokens();
  for (const [symbol, strikeCount] of [['AAPL', 30], ['$SPX', 4]] as const) {
    const response = await fetch(
      `${sim.baseUrl}/marketdata/v1/chains?symbol=${encodeURIComponent(symbol)}&strikeCount=${strikeCount}&includeUnderlyingQuote=true`,
      { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    bodies[symbol] = await response.json();
  }
});
afterAll(async () => {
  await sim?.close();
  await db?.drop();
});
beforeEach(async () => {
  await db.pool.query(`TRUNCATE ${TABLES.join(', ')} RESTART IDENTITY CASCADE`);
});

function snapshotOf(symbol: string, receivedAt = T1): ChainSnapshot {
  const result = decodeChain(bodies[symbol], { path: `/marketdata/v1/chains?symbol=${symbol}`, receivedAt });
  expect(result.rejects).toEqual([]);
  return result.snapshots[0]!.data as ChainSnapshot;
}

function records(...snapshots: ChainSnapshot[]): SnapshotRecord[] {
  return snapshots.map((data, i) => ({ snapshot: { kind: 'chain', data }, seq: 100 + i }));
}

async function write(writer: SnapshotWriter, batch: SnapshotRecord[]): Promise<SnapshotWriteResult> {
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    const result = await writer.write(client, batch);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) {
    const { rows: [row] } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    out[table] = row!.n;
  }
  return out;
}

const sizes = (...snapshots: ChainSnapshot[]) => ({
  options_expirations: new Set(snapshots.flatMap((s) => s.expirations.map((e) => `${e.underlying_symbol} ${e.expiration_date}`))).size,
  options_chains: snapshots.reduce((n, s) => n + s.chains.length, 0),
  options_contracts: snapshots.reduce((n, s) => n + s.contracts.length, 0),
  option_deliverables: snapshots.reduce((n, s) => n + s.deliverables.length, 0),
});

/** Rows whose parent is missing or mismatched: each must be 0. */
async function brokenLinks(client: pg.Pool): Promise<Record<string, number>> {
  const { rows: [row] } = await client.query<Record<string, number>>(`
    SELECT
      (SELECT count(*)::int FROM options_chains c LEFT JOIN options_expirations e USING (expiration_id)
        WHERE e.expiration_id IS NULL OR e.underlying_symbol <> c.underlying_symbol) AS chains,
      (SELECT count(*)::int FROM options_contracts k
         LEFT JOIN options_chains c USING (chain_id, snapshot_datetime)
         LEFT JOIN options_expirations e ON e.expiration_id = c.expiration_id
        WHERE c.chain_id IS NULL OR c.underlying_symbol <> k.underlying OR e.expiration_date <> k.expiration_date) AS contracts,
      (SELECT count(*)::int FROM option_deliverables d LEFT JOIN options_contracts k USING (contract_id, snapshot_datetime)
        WHERE k.contract_id IS NULL) AS deliverables`);
  return row!;
}

describe('column lists', () => {
  const SIMPLE: Record<string, ColumnType> = {
    integer: 'int4', bigint: 'int8', text: 'text', boolean: 'bool', 'timestamp with time zone': 'timestamptz', date: 'date', 'text[]': 'text[]',
  };
  function specOf(column: ColumnInfo): ColumnSpec {
    const varchar = /^character varying\((\d+)\)$/.exec(column.type);
    if (varchar) return { name: column.column, type: 'text', maxLength: Number(varchar[1]) };
    const numeric = /^numeric\((\d+),(\d+)\)$/.exec(column.type);
    if (numeric) return { name: column.column, type: 'numeric', numeric: { precision: Number(numeric[1]), scale: Number(numeric[2]) } };
    return { name: column.column, type: SIMPLE[column.type] ?? (`unmapped ${column.type}` as ColumnType) };
  }

  it.each([
    ['options_expirations', EXPIRATION_COLUMNS, []],
    ['options_chains', CHAIN_COLUMNS, ['expiration_id']],
    ['options_contracts', CONTRACT_COLUMNS, ['chain_id']],
    ['option_deliverables', DELIVERABLE_COLUMNS, ['contract_id']],
  ] as const)('match the migrated %s, but for ids, creation times and the resolved key', async (table, list, resolved) => {
    const catalog = (await columns(db.pool)).filter((c) => c.table === table
      && !(c.default !== null && (c.default.startsWith('nextval(') || c.default === 'now()'))
      && !(resolved as readonly string[]).includes(c.column));
    expect(list).toEqual(catalog.map(specOf));
  });
});

describe('chainWriter', () => {
  it('writes a simulator snapshot, and writing it again changes nothing (same rows, same ids)', async () => {
    const aapl = snapshotOf('AAPL');
    const spx = snapshotOf('$SPX');
    expect(aapl.contracts.some((c) => c.data_quality_flags !== null)).toBe(true); // far strikes carry -999 greeks
    const first = await write(chainWriter, records(aapl, spx));
    expect(first).toEqual({ written: sizes(aapl, spx), rejects: [] });
    expect(await counts()).toEqual(sizes(aapl, spx));
    const ids = async () => (await db.pool.query(`
      SELECT k.contract_id, k.chain_id, e.expiration_id, array_agg(d.deliverable_id ORDER BY d.deliverable_id) AS deliverables
        FROM options_contracts k JOIN options_chains c USING (chain_id, snapshot_datetime)
        JOIN options_expirations e ON e.expiration_id = c.expiration_id
        LEFT JOIN option_deliverables d USING (contract_id, snapshot_datetime)
       GROUP BY 1, 2, 3 ORDER BY 1`)).rows.map((r) => ({ ...r, deliverables: undefined }));
    const before = await ids();

    const second = await write(chainWriter, records(aapl, spx));
    expect(second).toEqual(first);
    expect(await counts()).toEqual(sizes(aapl, spx));
    expect(await ids()).toEqual(before);
    expect(await brokenLinks(db.pool)).toEqual({ chains: 0, contracts: 0, deliverables: 0 });
  });

  it('stores the decoded values: flags, index options, and one expiration per date for two roots', async () => {
    const spx = snapshotOf('$SPX');
    const aapl = snapshotOf('AAPL');
    await write(chainWriter, records(aapl, spx));
    // Far strikes without a bid carry -999 volatility and greeks in the simulator, as in Schwab's chains.
    const flagged = aapl.contracts.find((c) => c.data_quality_flags !== null);
    expect(flagged).toBeDefined();
    const { rows: [stored] } = await db.pool.query(`
      SELECT volatility::float8, delta::float8, gamma::float8, theta::float8, vega::float8, rho::float8, data_quality_flags
        FROM options_contracts WHERE option_symbol = $1`, [flagged!.option_symbol]);
    const { volatility, delta, gamma, theta, vega, rho, data_quality_flags } = flagged!;
    expect(stored).toEqual({ volatility, delta, gamma, theta, vega, rho, data_quality_flags });
    for (const column of data_quality_flags!) expect(stored[column]).toBeNull();
    const { rows: [index] } = await db.pool.query(`
      SELECT bool_and(is_index_option) AS all_index, count(DISTINCT option_root)::int AS roots
        FROM options_contracts WHERE underlying = '$SPX'`);
    expect(index).toEqual({ all_index: true, roots: 2 });
    const { rows: [e] } = await db.pool.query(`SELECT count(*)::int AS n FROM options_expirations WHERE underlying_symbol = '$SPX'`);
    expect(e.n).toBe(spx.expirations.length);
    const { rows: [sample] } = await db.pool.query(`
      SELECT c.underlying_price::float8, c.interest_rate::float8, c.is_index, k.strike_price::float8, k.put_call, k.multiplier
        FROM options_contracts k JOIN options_chains c USING (chain_id, snapshot_datetime)
       WHERE k.option_symbol = $1`, [spx.contracts[0]!.option_symbol]);
    expect(sample).toEqual({
      underlying_price: spx.chains[0]!.underlying_price, interest_rate: spx.chains[0]!.interest_rate, is_index: true,
      strike_price: spx.contracts[0]!.strike_price, put_call: spx.contracts[0]!.put_call, multiplier: 100,
    });
  });

  it('keeps two snapshots at different times as two chains per expiration, each with its own contracts', async () => {
    const early = snapshotOf('AAPL', T1);
    const late = snapshotOf('AAPL', T1 + 60_000);
    const result = await write(chainWriter, records(early, late));
    expect(result.rejects).toEqual([]);
    expect(await counts()).toEqual(sizes(early, late));
    const { rows } = await db.pool.query<{ expiration_date: string; chains: number; snapshots: number }>(`
      SELECT e.expiration_date::text, count(*)::int AS chains, count(DISTINCT c.snapshot_datetime)::int AS snapshots
        FROM options_chains c JOIN options_expirations e USING (expiration_id) GROUP BY 1 ORDER BY 1`);
    expect(rows).toHaveLength(early.expirations.length);
    expect(rows.every((r) => r.chains === 2 && r.snapshots === 2)).toBe(true);
    const { rows: perChain } = await db.pool.query<{ n: number }>(`
      SELECT count(*)::int AS n FROM options_contracts GROUP BY chain_id, snapshot_datetime`);
    expect(perChain.reduce((n, r) => n + r.n, 0)).toBe(early.contracts.length * 2);
    const { rows: [sameChain] } = await db.pool.query(`
      SELECT count(*)::int AS n FROM options_contracts k JOIN options_chains c USING (chain_id)
       WHERE c.snapshot_datetime <> k.snapshot_datetime`);
    expect(sameChain.n).toBe(0);
    expect(await brokenLinks(db.pool)).toEqual({ chains: 0, contracts: 0, deliverables: 0 });
  });

  it('takes the same snapshot twice in one batch without touching a row twice', async () => {
    const aapl = snapshotOf('AAPL');
    const result = await write(chainWriter, records(aapl, aapl));
    expect(result).toEqual({ written: sizes(aapl), rejects: [] });
    expect(await counts()).toEqual(sizes(aapl));
  });

  it('quarantines a row PostgreSQL refuses (put_call XYZ) with its reason, raw row and seq; the others commit', async () => {
    const aapl = structuredClone(snapshotOf('AAPL'));
    const bad = aapl.contracts[5]!;
    bad.put_call = 'XYZ';
    const result = await write(chainWriter, records(aapl));
    const deliverable = aapl.deliverables.find((d) => d.option_symbol === bad.option_symbol)!;
    expect(result.rejects).toEqual([
      {
        table: 'options_contracts', seq: 100, raw: JSON.stringify(bad),
        reason: expect.stringMatching(/^23514: new row for relation "options_contracts.*" violates check constraint "options_contracts_put_call_check"/),
      },
      {
        table: 'option_deliverables', seq: 100, raw: JSON.stringify(deliverable),
        reason: `its options_contracts row (${bad.option_symbol} at ${new Date(T1).toISOString()}) was not written`,
      },
    ]);
    const expected = { ...sizes(aapl), options_contracts: aapl.contracts.length - 1, option_deliverables: aapl.deliverables.length - 1 };
    expect(result.written).toEqual(expected);
    expect(await counts()).toEqual(expected);
  });

  it('rejects the chain, contracts and deliverables of an expiration PostgreSQL refuses', async () => {
    const aapl = structuredClone(snapshotOf('AAPL'));
    const refused = aapl.expirations[1]!;
    refused.expiration_type = 'X';
    const result = await write(chainWriter, records(aapl));
    const lost = aapl.contracts.filter((c) => c.expiration_date === refused.expiration_date).length;
    expect(lost).toBeGreaterThan(0);
    const byTable = (table: string) => result.rejects.filter((r) => r.table === table);
    expect(byTable('options_expirations')).toEqual([expect.objectContaining({ reason: expect.stringMatching(/^23514: .*options_expirations_expiration_type_check/) })]);
    expect(byTable('options_chains')).toEqual([expect.objectContaining({ reason: `its options_expirations row (AAPL, ${refused.expiration_date}) was not written` })]);
    expect(byTable('options_contracts')).toHaveLength(lost);
    expect(byTable('option_deliverables')).toHaveLength(lost);
    expect(await counts()).toEqual({
      options_expirations: aapl.expirations.length - 1, options_chains: aapl.chains.length - 1,
      options_contracts: aapl.contracts.length - lost, option_deliverables: aapl.deliverables.length - lost,
    });
  });

  it('replaces a contract\'s deliverables when its snapshot is written again, never adding to them', async () => {
    const aapl = snapshotOf('AAPL');
    const target = aapl.contracts[0]!.option_symbol;
    const twoOfThem = structuredClone(aapl);
    const extra = { ...twoOfThem.deliverables.find((d) => d.option_symbol === target)!, symbol: 'CASH', asset_type: 'CURRENCY', deliverable_units: '12.5' };
    twoOfThem.deliverables.push(extra);
    await write(chainWriter, records(twoOfThem));
    const perContract = async () => (await db.pool.query<{ symbol: string }>(`
      SELECT d.symbol FROM option_deliverables d JOIN options_contracts k USING (contract_id, snapshot_datetime)
       WHERE k.option_symbol = $1 ORDER BY d.symbol`, [target])).rows.map((r) => r.symbol);
    expect(await perContract()).toEqual(['AAPL', 'CASH']);
    await write(chainWriter, records(aapl));
    expect(await perContract()).toEqual(['AAPL']);
    expect(await counts()).toEqual(sizes(aapl));
  });

  it('leaves the transaction\'s plan_cache_mode as it found it (it forces generic plans only while it writes)', async () => {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL plan_cache_mode = force_custom_plan`);
      await chainWriter.write(client, records(snapshotOf('AAPL')));
      const { rows: [row] } = await client.query<{ mode: string }>(`SELECT current_setting('plan_cache_mode') AS mode`);
      expect(row!.mode).toBe('force_custom_plan');
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('names the snapshot weeks whose partitions the flusher ensures, and the rows land in them', async () => {
    const later = T1 + 8 * 86_400_000; // next week (or the one after)
    const batch = records(snapshotOf('AAPL', T1), snapshotOf('AAPL', later), snapshotOf('$SPX', T1));
    expect(chainPartitionInstants(batch)).toEqual([new Date(T1), new Date(later)]);
    for (const table of CHAIN_PARTITIONED_TABLES) await ensurePartitionsFor(db.pool, table, chainPartitionInstants(batch));
    await write(chainWriter, batch);
    for (const table of CHAIN_PARTITIONED_TABLES) {
      const { rows } = await db.pool.query<{ partition: string }>(`SELECT DISTINCT tableoid::regclass::text AS partition FROM ${table} ORDER BY 1`);
      expect(rows).toHaveLength(2);
      expect(rows.every((r) => /_p\d{8}$/.test(r.partition))).toBe(true);
    }
  });
});

describe('expirationsWriter', () => {
  const sample = JSON.parse(readFileSync(new URL('../fixtures/samples/rest-expirationchain-AAPL-2024-05-17.json', import.meta.url), 'utf8')) as
    { expirationList: { daysToExpiration: number }[] };
  const AT = Date.UTC(2024, 4, 17, 14);

  function expirationRecord(body: unknown, receivedAt: number, seq: number): SnapshotRecord {
    const result = decodeExpirationChain(body, { path: '/marketdata/v1/expirationchain?symbol=AAPL', receivedAt });
    return { snapshot: result.snapshots[0]!, seq };
  }

  it('upserts options_expirations by underlying and date, updating days to expiration and updated_at', async () => {
    const first = await write(expirationsWriter, [expirationRecord(sample, AT, 1)]);
    expect(first).toEqual({ written: { options_expirations: 21 }, rejects: [] });
    const row = async () => (await db.pool.query(`
      SELECT expiration_id, days_to_expiration, expiration_type, is_standard, is_leap, updated_at
        FROM options_expirations WHERE underlying_symbol = 'AAPL' AND expiration_date = '2025-06-20'`)).rows[0];
    const before = await row();
    expect(before).toMatchObject({ days_to_expiration: 399, expiration_type: 'S', is_standard: true, is_leap: true });

    const nextDay = structuredClone(sample);
    for (const e of nextDay.expirationList) e.daysToExpiration -= 1;
    await write(expirationsWriter, [expirationRecord(nextDay, AT + 86_400_000, 2)]);
    const after = await row();
    expect(after).toMatchObject({ expiration_id: before.expiration_id, days_to_expiration: 398 });
    expect(after.updated_at.getTime()).toBeGreaterThan(before.updated_at.getTime());
    expect((await counts()).options_expirations).toBe(21);
  });

  it('shares its rows with the chains of the same underlying and date', async () => {
    const aapl = snapshotOf('AAPL');
    const listed: ExpirationsSnapshot = { underlying: 'AAPL', expirations: aapl.expirations.map((e) => ({ ...e, is_standard: false })) };
    await write(expirationsWriter, [{ snapshot: { kind: 'expirations', data: listed }, seq: 1 }]);
    await write(chainWriter, records(aapl));
    expect(await counts()).toEqual(sizes(aapl));
    const { rows: [flags] } = await db.pool.query(`SELECT bool_or(is_standard) AS any_standard FROM options_expirations`);
    expect(flags.any_standard).toBe(true); // the chain's snapshot updated them
  });

  it('refuses a record of another kind', async () => {
    await expect(write(expirationsWriter, records(snapshotOf('AAPL')))).rejects.toThrow(/expirations snapshot writer was given a chain snapshot/);
  });
});
