// Chain and expiration-chain snapshots → options_expirations, options_chains, options_contracts, option_deliverables,
// inside the caller's flush transaction. Each table, parents first, goes the same way:
//   1. COPY its rows into a temp stage (ON COMMIT DROP; loose types, so only a broken value can fail the COPY);
//   2. resolve each row's parent id into the stage by natural key (expiration by underlying + date, chain by
//      underlying + expiration + snapshot time, contract by chain + option symbol): from the table through its unique
//      index, or from the parent's stage, which by then holds exactly the parents written, with their ids;
//   3. reject the rows without a parent (their parent was refused): quarantined with a reason, never dropped silently;
//   4. INSERT ... SELECT ... ON CONFLICT (natural key) for the rows' indexes, under writeWithBisect, so a row PostgreSQL
//      refuses (CHECK, overflow, too long) is quarantined and the others commit; refused rows leave the stage.
// Ids are never carried in memory: a replay resolves the same rows the same way. Lookups in the tables are scalar
// subqueries on unique indexes, row by row, on purpose: rows written earlier in this transaction have no statistics,
// and a join planned on guesses can turn into a scan per row (10 000 contracts took a minute that way, 0.5 s this way).
import type pg from 'pg';
import type { ColumnSpec, ColumnType } from '../../decode/tables.js';
import {
  CHAIN_COLUMNS, CONTRACT_COLUMNS, DELIVERABLE_COLUMNS, EXPIRATION_COLUMNS,
  type ChainRow, type ChainSnapshot, type ContractRow, type DeliverableRow, type ExpirationRow, type ExpirationsSnapshot,
} from '../../decode/rest/chains.js';
import type { SnapshotKind } from '../../decode/rest/types.js';
import { copyRows, writeWithBisect } from '../copy.js';
import { quoteIdent } from '../copy-text.js';
import { ROW_INDEX, stageRows } from './stage.js';
import type { SnapshotRecord, SnapshotWriteResult, SnapshotWriter } from './types.js';

/** The weekly-partitioned tables a chain snapshot writes, all keyed on snapshot_datetime. */
export const CHAIN_PARTITIONED_TABLES = ['options_chains', 'options_contracts', 'option_deliverables'] as const;

/**
 * The snapshot times of these chain records: the flusher ensures the partitions of CHAIN_PARTITIONED_TABLES for
 * them before its transaction (a row of a missing week would otherwise land in DEFAULT).
 */
export function chainPartitionInstants(records: readonly SnapshotRecord[]): Date[] {
  const instants = new Set<number>();
  for (const record of records) {
    if (record.snapshot.kind === 'chain') instants.add((record.snapshot.data as ChainSnapshot).snapshotDatetime);
  }
  return [...instants].sort((a, b) => a - b).map((ms) => new Date(ms));
}

export const chainWriter: SnapshotWriter = {
  kind: 'chain',
  write: (client, records) => withGenericPlans(client, () => writeChains(client, records)),
};

async function writeChains(client: pg.ClientBase, records: readonly SnapshotRecord[]): Promise<SnapshotWriteResult> {
  const snapshots = dataOf<ChainSnapshot>('chain', records);
  const out: SnapshotWriteResult = { written: {}, rejects: [] };
  // Every stage exists (and is empty) before any step, so a step can read its parent's stage even when empty.
  for (const step of [EXPIRATIONS, CHAINS, CONTRACTS, DELIVERABLES]) await createStage(client, step);
  const rows = <R>(pick: (data: ChainSnapshot) => R[]): Keyed<R>[] =>
    snapshots.flatMap(({ data, seq }) => pick(data).map((row) => ({ row, seq })));
  await writeStep(client, EXPIRATIONS, lastPerKey(rows((d) => d.expirations), expirationKey), out);
  await writeStep(client, CHAINS, lastPerKey(rows((d) => d.chains), chainKey), out);
  await writeStep(client, CONTRACTS, lastPerKey(rows((d) => d.contracts), contractKey), out);
  await client.query(DELETE_REPLACED_DELIVERABLES);
  await writeStep(client, DELIVERABLES, deliverablesOf(snapshots), out);
  return out;
}

/**
 * Runs `write` with generic plans for the prepared statements PostgreSQL's foreign-key triggers run, one per row
 * inserted (contracts → options_chains, deliverables → options_contracts). Their referenced tables are partitioned:
 * a custom plan prunes to one partition, so under the default plan_cache_mode it always looks cheaper than the generic
 * plan (which counts every partition) and every FK check is planned anew — ~40 µs a row, five times the rest of the
 * insert. The generic plan prunes at run time instead. Measured on a 3,760-contract chain: the chain writes took 10.0 s
 * for 25 snapshots, 5.0 s with this (60 weekly partitions: 10.4 s → 7.6 s). Our own statements in here take no
 * parameters a generic plan could misjudge (row-index ranges, no joins on them). Restored afterwards: SET LOCAL would
 * otherwise last until the end of the flush transaction.
 */
async function withGenericPlans<T>(client: pg.ClientBase, write: () => Promise<T>): Promise<T> {
  const { rows } = await client.query<{ mode: string }>(
    `SELECT current_setting('plan_cache_mode') AS mode, set_config('plan_cache_mode', 'force_generic_plan', true)`);
  const result = await write();
  await client.query(`SELECT set_config('plan_cache_mode', $1, true)`, [rows[0]!.mode]);
  return result;
}

export const expirationsWriter: SnapshotWriter = {
  kind: 'expirations',
  async write(client, records) {
    const snapshots = dataOf<ExpirationsSnapshot>('expirations', records);
    const out: SnapshotWriteResult = { written: {}, rejects: [] };
    await createStage(client, EXPIRATIONS);
    const rows = snapshots.flatMap(({ data, seq }) => data.expirations.map((row) => ({ row, seq })));
    await writeStep(client, EXPIRATIONS, lastPerKey(rows, expirationKey), out);
    return out;
  },
};

// ---------------------------------------------------------------- records

interface Keyed<R> {
  row: R;
  seq: number;
}

function dataOf<T>(kind: SnapshotKind, records: readonly SnapshotRecord[]): { data: T; seq: number }[] {
  return records.map(({ snapshot, seq }) => {
    if (snapshot.kind !== kind) throw new Error(`the ${kind} snapshot writer was given a ${snapshot.kind} snapshot (seq ${seq})`);
    return { data: snapshot.data as T, seq };
  });
}

const SEPARATOR = '\u0000';
const expirationKey = (r: ExpirationRow): string => [r.underlying_symbol, r.expiration_date].join(SEPARATOR);
const chainKey = (r: ChainRow): string => [r.underlying_symbol, r.expiration_date, r.snapshot_datetime].join(SEPARATOR);
const contractKey = (r: ContractRow | DeliverableRow): string =>
  [r.underlying, r.expiration_date, r.snapshot_datetime, r.option_symbol].join(SEPARATOR);

/**
 * One row per natural key, the last one (records come in recording order): an upsert may not touch a row twice in
 * one statement, and a batch may hold the same expiration in every snapshot.
 */
function lastPerKey<R>(rows: Keyed<R>[], key: (row: R) => string): Keyed<R>[] {
  const last = new Map<string, number>();
  rows.forEach(({ row }, i) => last.set(key(row), i));
  if (last.size === rows.length) return rows;
  return [...last.values()].sort((a, b) => a - b).map((i) => rows[i]!);
}

/**
 * The deliverables of each contract as its last snapshot in the batch lists them (replacing, not adding to, what an
 * earlier snapshot of the same contract and time said).
 */
function deliverablesOf(snapshots: { data: ChainSnapshot; seq: number }[]): Keyed<DeliverableRow>[] {
  const byContract = new Map<string, Keyed<DeliverableRow>[]>();
  for (const { data, seq } of snapshots) {
    const own = new Map<string, Keyed<DeliverableRow>[]>();
    for (const row of data.deliverables) {
      const key = contractKey(row);
      const list = own.get(key) ?? [];
      list.push({ row, seq });
      own.set(key, list);
    }
    for (const contract of data.contracts) byContract.set(contractKey(contract), []);
    for (const [key, list] of own) byContract.set(key, list);
  }
  return [...byContract.values()].flat();
}

// ---------------------------------------------------------------- steps

interface Step<R> {
  table: string;
  stage: string;
  /** Columns COPYed into the stage (row_index comes first, added here). */
  columns: readonly ColumnSpec[];
  /** Stage columns filled by SQL (parent and own ids, flags), with their types. */
  resolved?: Readonly<Record<string, 'bigint' | 'boolean'>>;
  /** Resolves the parent ids into the stage; then `missing` names the rows that have none, and `reason` says why. */
  parent?: { resolve: string; missing: string; reason: (row: R) => string };
  /** Upserts the stage rows whose row_index is in $1 (joined as `w`); never a row without its parent id. */
  insert: string;
  /** Runs once the stage holds only the rows written (e.g. records their ids for the children). */
  after?: string;
}

// Loose stage types: a varchar limit, a NUMERIC precision or an int4 range is checked by the INSERT, where a refusal
// costs one row (bisected), not by the COPY, where it would cost the whole stage.
const STAGE_TYPES: Record<ColumnType, string> = {
  float8: 'float8', int4: 'bigint', int8: 'bigint', text: 'text', bool: 'boolean', timestamptz: 'timestamptz',
  date: 'date', jsonb: 'jsonb', 'text[]': 'text[]', numeric: 'numeric',
  'float8[]': 'float8[]', 'int4[]': 'bigint[]', 'int8[]': 'bigint[]',
};

/**
 * The rows of one bisection part, by the range of its row indexes: a part is a contiguous slice of the rows still
 * candidates, and every other stage row in that range was set aside before (refused by the COPY: not staged; no
 * parent: its parent id is NULL, which each INSERT filters out). A range needs no join, so its plan holds even as a
 * generic plan (see withGenericPlans).
 */
const PART = 's.row_index BETWEEN $1 AND $2';

/** A column list without the given names. */
const except = (columns: readonly ColumnSpec[], ...names: string[]): ColumnSpec[] => columns.filter((c) => !names.includes(c.name));
const names = (columns: readonly ColumnSpec[], prefix = ''): string => columns.map((c) => prefix + quoteIdent(c.name)).join(', ');
const updates = (columns: readonly ColumnSpec[]): string => columns.map((c) => `${quoteIdent(c.name)} = EXCLUDED.${quoteIdent(c.name)}`).join(', ');
const timeOf = (ms: number): string => new Date(ms).toISOString();

const EXPIRATION_VALUES = except(EXPIRATION_COLUMNS, 'underlying_symbol', 'expiration_date');

const EXPIRATIONS: Step<ExpirationRow> = {
  table: 'options_expirations',
  stage: 'stage_chain_expirations',
  columns: EXPIRATION_COLUMNS,
  insert: `
    INSERT INTO options_expirations AS t (${names(EXPIRATION_COLUMNS)})
    SELECT ${names(EXPIRATION_COLUMNS, 's.')} FROM stage_chain_expirations s WHERE ${PART}
    ON CONFLICT (underlying_symbol, expiration_date) DO UPDATE SET ${updates(EXPIRATION_VALUES)}, updated_at = now()
    WHERE (${names(EXPIRATION_VALUES, 't.')}) IS DISTINCT FROM (${names(EXPIRATION_VALUES, 'EXCLUDED.')})`,
};

/** The chain id of a stage row `s` of chains, by the unique (underlying_symbol, expiration_id, snapshot_datetime). */
const CHAIN_ID = `(SELECT c.chain_id FROM options_chains c
   WHERE c.underlying_symbol = s.underlying_symbol AND c.expiration_id = s.expiration_id AND c.snapshot_datetime = s.snapshot_datetime)`;
const CHAIN_STAGE_COLUMNS: ColumnSpec[] = [...CHAIN_COLUMNS, { name: 'expiration_date', type: 'date' }];
const CHAIN_VALUES = except(CHAIN_COLUMNS, 'underlying_symbol', 'snapshot_datetime');

const CHAINS: Step<ChainRow> = {
  table: 'options_chains',
  stage: 'stage_chain_chains',
  columns: CHAIN_STAGE_COLUMNS,
  // chain_id is the existing chain's before the insert (existed: this snapshot was written before), everyone's after.
  resolved: { expiration_id: 'bigint', chain_id: 'bigint', existed: 'boolean' },
  parent: {
    resolve: `
      UPDATE stage_chain_chains s SET expiration_id = (SELECT e.expiration_id FROM options_expirations e
        WHERE e.underlying_symbol = s.underlying_symbol AND e.expiration_date = s.expiration_date);
      UPDATE stage_chain_chains s SET chain_id = ${CHAIN_ID} WHERE s.expiration_id IS NOT NULL`,
    missing: 'SELECT row_index FROM stage_chain_chains WHERE expiration_id IS NULL',
    reason: (r) => `its options_expirations row (${r.underlying_symbol}, ${r.expiration_date}) was not written`,
  },
  insert: `
    INSERT INTO options_chains (expiration_id, ${names(CHAIN_COLUMNS)})
    SELECT s.expiration_id, ${names(CHAIN_COLUMNS, 's.')} FROM stage_chain_chains s WHERE ${PART} AND s.expiration_id IS NOT NULL
    ON CONFLICT (underlying_symbol, expiration_id, snapshot_datetime) DO UPDATE SET ${updates(CHAIN_VALUES)}`,
  after: `UPDATE stage_chain_chains s SET existed = s.chain_id IS NOT NULL, chain_id = coalesce(s.chain_id, ${CHAIN_ID})`,
};

const CONTRACT_VALUES = except(CONTRACT_COLUMNS, 'snapshot_datetime', 'option_symbol');
/** The contract id of a stage row `s` of contracts, by the unique (chain_id, option_symbol, snapshot_datetime). */
const contractId = (chain: string): string => `(SELECT k.contract_id FROM options_contracts k
   WHERE k.chain_id = ${chain} AND k.option_symbol = s.option_symbol AND k.snapshot_datetime = s.snapshot_datetime)`;

const CONTRACTS: Step<ContractRow> = {
  table: 'options_contracts',
  stage: 'stage_chain_contracts',
  columns: CONTRACT_COLUMNS,
  // previous_id: the contract as an earlier write of the same snapshot left it (its deliverables get replaced).
  resolved: { chain_id: 'bigint', previous_id: 'bigint', contract_id: 'bigint' },
  parent: {
    resolve: `
      UPDATE stage_chain_contracts s SET chain_id = ch.chain_id,
             previous_id = CASE WHEN ch.existed THEN ${contractId('ch.chain_id')} END
        FROM stage_chain_chains ch
       WHERE ch.underlying_symbol = s.underlying AND ch.expiration_date = s.expiration_date
         AND ch.snapshot_datetime = s.snapshot_datetime`,
    missing: 'SELECT row_index FROM stage_chain_contracts WHERE chain_id IS NULL',
    reason: (r) => `its options_chains row (${r.underlying}, ${r.expiration_date}, ${timeOf(r.snapshot_datetime)}) was not written`,
  },
  insert: `
    INSERT INTO options_contracts (chain_id, ${names(CONTRACT_COLUMNS)})
    SELECT s.chain_id, ${names(CONTRACT_COLUMNS, 's.')} FROM stage_chain_contracts s WHERE ${PART} AND s.chain_id IS NOT NULL
    ON CONFLICT (chain_id, option_symbol, snapshot_datetime) DO UPDATE SET ${updates(CONTRACT_VALUES)}`,
  after: `UPDATE stage_chain_contracts s SET contract_id = coalesce(s.previous_id, ${contractId('s.chain_id')})`,
};

/**
 * Deliverables have no natural key: when a contract written here existed already (the same snapshot written again),
 * its deliverables are deleted and the snapshot's inserted. A new snapshot's contracts have none to delete.
 * Written as index lookups by id (= ANY of the stage's previous ids, and of their snapshot times), never as a join: a
 * join with the stage was planned as a scan and sort of every deliverable stored, on every flush.
 */
const DELETE_REPLACED_DELIVERABLES = `
  DELETE FROM option_deliverables d
   WHERE d.contract_id = ANY(ARRAY(SELECT previous_id FROM stage_chain_contracts WHERE previous_id IS NOT NULL))
     AND d.snapshot_datetime = ANY(ARRAY(SELECT DISTINCT snapshot_datetime FROM stage_chain_contracts WHERE previous_id IS NOT NULL))`;

const DELIVERABLE_STAGE_COLUMNS: ColumnSpec[] = [
  ...DELIVERABLE_COLUMNS,
  { name: 'underlying', type: 'text' }, { name: 'expiration_date', type: 'date' }, { name: 'option_symbol', type: 'text' },
];

const DELIVERABLES: Step<DeliverableRow> = {
  table: 'option_deliverables',
  stage: 'stage_chain_deliverables',
  columns: DELIVERABLE_STAGE_COLUMNS,
  resolved: { contract_id: 'bigint' },
  parent: {
    resolve: `
      UPDATE stage_chain_deliverables s SET contract_id = k.contract_id
        FROM stage_chain_contracts k
       WHERE k.underlying = s.underlying AND k.expiration_date = s.expiration_date
         AND k.snapshot_datetime = s.snapshot_datetime AND k.option_symbol = s.option_symbol`,
    missing: 'SELECT row_index FROM stage_chain_deliverables WHERE contract_id IS NULL',
    reason: (r) => `its options_contracts row (${r.option_symbol} at ${timeOf(r.snapshot_datetime)}) was not written`,
  },
  insert: `
    INSERT INTO option_deliverables (contract_id, ${names(DELIVERABLE_COLUMNS)})
    SELECT s.contract_id, ${names(DELIVERABLE_COLUMNS, 's.')} FROM stage_chain_deliverables s WHERE ${PART} AND s.contract_id IS NOT NULL`,
};

/** Creates the step's stage if this transaction has none yet (ON COMMIT DROP), and empties it. */
async function createStage(client: pg.ClientBase, step: Pick<Step<never>, 'stage' | 'columns' | 'resolved'>): Promise<void> {
  const definitions = [
    'row_index integer',
    ...step.columns.map((c) => `${quoteIdent(c.name)} ${STAGE_TYPES[c.type]}`),
    ...Object.entries(step.resolved ?? {}).map(([name, type]) => `${quoteIdent(name)} ${type}`),
  ];
  const stage = quoteIdent(step.stage);
  await client.query(`CREATE TEMP TABLE IF NOT EXISTS ${stage} (${definitions.join(', ')}) ON COMMIT DROP`);
  await client.query(`TRUNCATE ${stage}`);
}

/**
 * Stages `rows` and upserts them into `step.table`; adds the written count and the rejects to `out`. Afterwards the
 * stage holds exactly the rows written.
 */
async function writeStep<R>(client: pg.ClientBase, step: Step<R>, rows: Keyed<R>[], out: SnapshotWriteResult): Promise<void> {
  out.written[step.table] = 0;
  if (rows.length === 0) return;
  const columns = [ROW_INDEX, ...step.columns];
  const staged = stageRows(step.columns, rows);
  const refused = new Map<number, string>();
  for (const bad of await writeWithBisect(client, staged, (part) => copyRows(client, step.stage, columns, part))) {
    refused.set(bad.index, bad.reason);
  }
  if (step.parent !== undefined) {
    await client.query(step.parent.resolve);
    const { rows: orphans } = await client.query<{ row_index: number }>(step.parent.missing);
    for (const orphan of orphans) {
      const index = Number(orphan.row_index);
      refused.set(index, step.parent.reason(rows[index]!.row));
    }
  }
  const candidates = staged.filter((_, i) => !refused.has(i));
  const bad = await writeWithBisect(client, candidates, async (part) => {
    await client.query(step.insert, [part[0]![0] as number, part[part.length - 1]![0] as number]);
  });
  for (const { index, reason } of bad) refused.set(candidates[index]![0] as number, reason);
  if (refused.size > 0) {
    await client.query(`DELETE FROM ${quoteIdent(step.stage)} s USING unnest($1::int[]) AS w(row_index) WHERE s.row_index = w.row_index`,
      [[...refused.keys()]]);
  }
  if (step.after !== undefined) await client.query(step.after);
  for (const [index, reason] of [...refused].sort((a, b) => a[0] - b[0])) {
    const { row, seq } = rows[index]!;
    out.rejects.push({ table: step.table, reason, raw: JSON.stringify(row), seq });
  }
  out.written[step.table] = rows.length - refused.size;
}
