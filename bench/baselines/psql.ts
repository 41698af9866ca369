// The ceiling: PostgreSQL's own `psql \copy` of pre-encoded rows. Plain tables get one \copy each; chain snapshots
// (keyed seed tables) go the way any client must write them: \copy into a temp stage, then one set-based
// INSERT ... SELECT per table, parents resolved by joins on natural keys, ON CONFLICT on the table's unique key.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { CHAIN_COLUMNS, CONTRACT_COLUMNS, DELIVERABLE_COLUMNS, EXPIRATION_COLUMNS } from '../../src/decode/rest/chains.js';
import { TABLES, type ColumnSpec, type TableName } from '../../src/decode/tables.js';
import { CHAIN_STAGES } from './files.js';

const execFileAsync = promisify(execFile);

const names = (columns: readonly ColumnSpec[], prefix = ''): string => columns.map((c) => `${prefix}${c.name}`).join(', ');
const without = (columns: readonly ColumnSpec[], ...drop: string[]): ColumnSpec[] => columns.filter((c) => !drop.includes(c.name));
const set = (columns: readonly ColumnSpec[]): string => columns.map((c) => `${c.name} = EXCLUDED.${c.name}`).join(', ');
/** Loose stage types, as any staging client would use (no varchar limits or numeric precision to trip the COPY). */
const STAGE: Record<ColumnSpec['type'], string> = {
  float8: 'float8', int4: 'bigint', int8: 'bigint', text: 'text', bool: 'boolean', timestamptz: 'timestamptz',
  date: 'date', jsonb: 'jsonb', 'text[]': 'text[]', numeric: 'numeric',
  'float8[]': 'float8[]', 'int4[]': 'bigint[]', 'int8[]': 'bigint[]',
};
const quote = (file: string): string => `'${file.replace(/'/g, "''")}'`;

export function plainCopyScript(files: Record<string, string>): string {
  return Object.entries(files)
    .map(([table, file]) => `\\copy ${table} (${names(TABLES[table as TableName].columns)}) FROM ${quote(file)}`).join('\n');
}

export function chainStagingScript(files: Record<string, string>): string {
  const stage = (table: string, name: string): string => [
    `CREATE TEMP TABLE ${name} (${CHAIN_STAGES[table]!.map((c) => `${c.name} ${STAGE[c.type]}`).join(', ')}) ON COMMIT DROP;`,
    `\\copy ${name} (${names(CHAIN_STAGES[table]!)}) FROM ${quote(files[table]!)}`,
    `ANALYZE ${name};`,
  ].join('\n');
  const expirationOf = (s: string, underlying: string) => `JOIN options_expirations e ON e.underlying_symbol = ${s}.${underlying} AND e.expiration_date = ${s}.expiration_date`;
  const chainOf = (s: string) => `JOIN options_chains c ON c.underlying_symbol = ${s}.underlying AND c.expiration_id = e.expiration_id AND c.snapshot_datetime = ${s}.snapshot_datetime`;
  return [
    'BEGIN;',
    stage('options_expirations', 's_exp'),
    `INSERT INTO options_expirations AS t (${names(EXPIRATION_COLUMNS)}) SELECT ${names(EXPIRATION_COLUMNS)} FROM s_exp
      ON CONFLICT (underlying_symbol, expiration_date) DO UPDATE SET ${set(without(EXPIRATION_COLUMNS, 'underlying_symbol', 'expiration_date'))}, updated_at = now();`,
    stage('options_chains', 's_chain'),
    `INSERT INTO options_chains (expiration_id, ${names(CHAIN_COLUMNS)}) SELECT e.expiration_id, ${names(CHAIN_COLUMNS, 's.')} FROM s_chain s ${expirationOf('s', 'underlying_symbol')}
      ON CONFLICT (underlying_symbol, expiration_id, snapshot_datetime) DO UPDATE SET ${set(without(CHAIN_COLUMNS, 'underlying_symbol', 'snapshot_datetime'))};`,
    'ANALYZE options_chains;',
    stage('options_contracts', 's_contract'),
    `INSERT INTO options_contracts (chain_id, ${names(CONTRACT_COLUMNS)}) SELECT c.chain_id, ${names(CONTRACT_COLUMNS, 's.')} FROM s_contract s ${expirationOf('s', 'underlying')} ${chainOf('s')}
      ON CONFLICT (chain_id, option_symbol, snapshot_datetime) DO UPDATE SET ${set(without(CONTRACT_COLUMNS, 'snapshot_datetime', 'option_symbol'))};`,
    'ANALYZE options_contracts;',
    stage('option_deliverables', 's_deliv'),
    `INSERT INTO option_deliverables (contract_id, ${names(DELIVERABLE_COLUMNS)}) SELECT k.contract_id, ${names(DELIVERABLE_COLUMNS, 's.')} FROM s_deliv s ${expirationOf('s', 'underlying')} ${chainOf('s')}
      JOIN options_contracts k ON k.chain_id = c.chain_id AND k.option_symbol = s.option_symbol AND k.snapshot_datetime = s.snapshot_datetime;`,
    'COMMIT;',
  ].join('\n');
}

/** Runs a psql script; returns the rows it wrote (counted from its COPY or its INSERT tags) and the wall seconds. */
export async function runPsql(url: string, script: string, scriptFile: string, count: 'COPY' | 'INSERT'): Promise<{ rows: number; seconds: number }> {
  await writeFile(scriptFile, script);
  const started = performance.now();
  const { stdout } = await execFileAsync('psql', [url, '-X', '-v', 'ON_ERROR_STOP=1', '-f', scriptFile], { maxBuffer: 1 << 24 });
  const seconds = (performance.now() - started) / 1000;
  // A staging script's COPYs fill temp stages: its rows are the INSERTs' (the written rows).
  const tag = count === 'COPY' ? /^COPY (\d+)$/ : /^INSERT 0 (\d+)$/;
  let rows = 0;
  for (const line of stdout.split('\n')) rows += Number(tag.exec(line)?.[1] ?? 0);
  return { rows, seconds };
}
