// 'symbols' snapshots → symbols, upserted by symbol. A quote's values replace the stored ones (a NULL keeps what is
// stored); an instrument seen in an order, transaction or position only fills columns that are still NULL, so the
// quote's vocabulary (asset type EQUITY for an ETF, not COLLECTIVE_INVESTMENT) is never overwritten by it.
// updated_at is the capture time of the body that last changed the row; an older quote never overwrites a newer one.
import type { SymbolRow, SymbolsSnapshot } from '../../decode/rest/quotes.js';
import type { ColumnSpec } from '../../decode/tables.js';
import { dataOf, emptyResult, keyOf, runStep, type Staged, type Step } from './stage.js';
import type { SnapshotWriter } from './types.js';

const VALUES = ['company_name', 'description', 'asset_type', 'exchange', 'cusip'] as const;

const COLUMNS: readonly ColumnSpec[] = [
  { name: 'symbol', type: 'text' }, ...VALUES.map((name): ColumnSpec => ({ name, type: 'text' })),
  { name: 'authoritative', type: 'bool' }, { name: 'observed_at', type: 'timestamptz' }, { name: 'first_observed_at', type: 'timestamptz' },
];

const list = (prefix: string): string => VALUES.map((c) => prefix + c).join(', ');
const coalesced = (first: string, second: string): string => VALUES.map((c) => `COALESCE(${first}.${c}, ${second}.${c})`).join(', ');

const insert = (authoritative: boolean): string => `
  INSERT INTO symbols AS t (symbol, ${list('')}, created_at, updated_at)
  SELECT symbol, ${list('')}, first_observed_at, observed_at
    FROM stage_symbols WHERE row_index = ANY($1::int[]) AND authoritative = ${authoritative ? 'TRUE' : 'FALSE'}`;

const FROM_QUOTES = `${insert(true)}
  ON CONFLICT (symbol) DO UPDATE SET ${VALUES.map((c) => `${c} = COALESCE(EXCLUDED.${c}, t.${c})`).join(', ')},
    updated_at = EXCLUDED.updated_at
  WHERE (${list('t.')}) IS DISTINCT FROM (${coalesced('EXCLUDED', 't')}) AND t.updated_at <= EXCLUDED.updated_at`;

const FROM_INSTRUMENTS = `${insert(false)}
  ON CONFLICT (symbol) DO UPDATE SET ${VALUES.map((c) => `${c} = COALESCE(t.${c}, EXCLUDED.${c})`).join(', ')},
    updated_at = GREATEST(t.updated_at, EXCLUDED.updated_at)
  WHERE (${list('t.')}) IS DISTINCT FROM (${coalesced('t', 'EXCLUDED')})`;

const SYMBOLS: Step<MergedRow> = { table: 'symbols', stage: 'stage_symbols', columns: COLUMNS, write: [FROM_QUOTES, FROM_INSTRUMENTS] };

/** A merged row: `observed_at` the capture time of the last row that changed a value, `first_observed_at` the first's. */
type MergedRow = SymbolRow & { first_observed_at: number };

/**
 * One row per symbol and kind (each statement may touch a symbol once), merged as if the rows had been written one
 * by one: a quote's value replaces an earlier one, an instrument's fills only what earlier ones left NULL, and a
 * value a body does not have (a quotes body without `reference`) never erases one said earlier in the batch. Keeping
 * only the last row would: a replay flushes more bodies per batch than live did, and must store the same values.
 */
function mergePerSymbol(rows: readonly Staged<SymbolRow>[]): Staged<MergedRow>[] {
  const merged = new Map<string, Staged<MergedRow>>();
  for (const { row, seq } of rows) {
    const key = keyOf(row.symbol, row.authoritative);
    const before = merged.get(key)?.row;
    if (before === undefined) {
      merged.set(key, { row: { ...row, first_observed_at: row.observed_at }, seq });
      continue;
    }
    if (row.authoritative && row.observed_at < before.observed_at) continue; // an older quote changes nothing
    const next: MergedRow = { ...before };
    for (const column of VALUES) {
      const earlier = before[column] ?? null;
      const later = row[column] ?? null;
      next[column] = row.authoritative ? later ?? earlier : earlier ?? later;
    }
    if (VALUES.some((column) => next[column] !== (before[column] ?? null))) next.observed_at = Math.max(row.observed_at, before.observed_at);
    merged.set(key, { row: next, seq });
  }
  return [...merged.values()];
}

export const symbolsWriter: SnapshotWriter = {
  kind: 'symbols',
  async write(client, records) {
    const out = emptyResult();
    const rows = dataOf<SymbolsSnapshot>('symbols', records).flatMap(({ data, seq }) => data.symbols.map((row) => ({ row, seq })));
    await runStep(client, SYMBOLS, mergePerSymbol(rows), out);
    return out;
  },
};
