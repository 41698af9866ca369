// Pre-encoded COPY text files, written before any clock starts: one per plain table of a workload, and for chain
// snapshots one per staged seed table (expirations, chains, contracts, deliverables).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CHAIN_COLUMNS, CONTRACT_COLUMNS, DELIVERABLE_COLUMNS, EXPIRATION_COLUMNS, type ChainSnapshot } from '../../src/decode/rest/chains.js';
import { TABLES, type ColumnSpec, type TableName } from '../../src/decode/tables.js';
import type { DecodedRecording } from '../jobs/decoded.js';
import { encodeText, type AnyRow } from './encode.js';

export async function writeTableFiles(decoded: DecodedRecording, dir: string, prefix: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const [table, rows] of decoded.tables) {
    files[table] = path.join(dir, `${prefix}-${table}.copy`);
    await writeFile(files[table], encodeText(TABLES[table as TableName].columns, rows));
  }
  return files;
}

/** The staged tables of the chain ceiling: the natural keys its joins resolve parents by come along. */
export const CHAIN_STAGES: Record<string, readonly ColumnSpec[]> = {
  options_expirations: EXPIRATION_COLUMNS,
  options_chains: [...CHAIN_COLUMNS, { name: 'expiration_date', type: 'date' }],
  options_contracts: CONTRACT_COLUMNS,
  option_deliverables: [...DELIVERABLE_COLUMNS, { name: 'underlying', type: 'text' }, { name: 'expiration_date', type: 'date' }, { name: 'option_symbol', type: 'text' }],
};

/**
 * The chain rows of every chain snapshot, one file per staged table. Like the recorder, each natural key is written
 * once per snapshot batch, the last snapshot's value winning (expirations repeat in every snapshot).
 */
export async function writeChainFiles(decoded: DecodedRecording, dir: string, prefix: string): Promise<Record<string, string>> {
  const chains = decoded.snapshots.filter((s) => s.snapshot.kind === 'chain').map((s) => s.snapshot.data as ChainSnapshot);
  const expirations = new Map<string, AnyRow>();
  for (const c of chains) for (const e of c.expirations) expirations.set(`${e.underlying_symbol}|${e.expiration_date}`, e as unknown as AnyRow);
  const rows: Record<string, AnyRow[]> = {
    options_expirations: [...expirations.values()],
    options_chains: chains.flatMap((c) => c.chains as unknown as AnyRow[]),
    options_contracts: chains.flatMap((c) => c.contracts as unknown as AnyRow[]),
    option_deliverables: chains.flatMap((c) => c.deliverables as unknown as AnyRow[]),
  };
  const files: Record<string, string> = {};
  for (const [table, columns] of Object.entries(CHAIN_STAGES)) {
    files[table] = path.join(dir, `${prefix}-stage-${table}.copy`);
    await writeFile(files[table], encodeText(columns, rows[table] ?? []));
  }
  return files;
}

/** Rows in a COPY text file. */
export function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n += 1;
  return n;
}
