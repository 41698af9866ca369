// 'symbols' snapshots → symbols, upserted by symbol. A quote's values replace the stored ones (a NULL keeps what is
// stored); an instrument seen in an order, transaction or position only fills columns that are still NULL, so the
// quote's vocabulary (asset type EQUITY for an ETF, not COLLECTIVE_INVESTMENT) is never overwritten by it.
// updated_at is the capture time of the body that last changed the row; an older quote never overwrites a newer one.
import type { SymbolRow, SymbolsSnapshot } from '../../decode/rest/quotes.js';
import type { ColumnSpec } from '../../decode/tables.js';
import { dataOf, emptyResult, keyOf, lastPerKey, runStep, type Step } from './stage.js';
import type { SnapshotWriter } from './types.js';

const VALUES = ['company_name', 'description', 'asset_type', 'exchange'] as const;

const COLUMNS: readonly ColumnSpec[] = [
  { name: 'symbol', type: 'text' }, ...VALUES.map((name): ColumnSpec => ({ name, type: 'text' })),
  { name: 'authoritative', type: 'bool' }, { name: 'observed_at', type: 'timestamptz' },
];

const list = (prefix: string): string => VALUES.map((c) => prefix + c).join(', ');
const coalesced = (first: string, second: string): string => VALUES.map((c) => `COALESCE(${first}.${c}, ${second}.${c})`).join(', ');

const insert = (authoritative: boolean): string => `
  INSERT INTO symbols AS t (symbol, ${list('')}, created_at, updated_at)
  SELECT symbol, ${list('')}, observed_at, observed_at
    FROM stage_symbols WHERE row_index = ANY($1::int[]) AND authoritative = ${authoritative ? 'TRUE' : 'FALSE'}`;

const FROM_QUOTES = `${insert(true)}
  ON CONFLICT (symbol) DO UPDATE SET ${VALUES.map((c) => `${c} = COALESCE(EXCLUDED.${c}, t.${c})`).join(', ')},
    updated_at = EXCLUDED.updated_at
  WHERE (${list('t.')}) IS DISTINCT FROM (${coalesced('EXCLUDED', 't')}) AND t.updated_at <= EXCLUDED.updated_at`;

const FROM_INSTRUMENTS = `${insert(false)}
  ON CONFLICT (symbol) DO UPDATE SET ${VALUES.map((c) => `${c} = COALESCE(t.${c}, EXCLUDED.${c})`).join(', ')},
    updated_at = GREATEST(t.updated_at, EXCLUDED.updated_at)
  WHERE (${list('t.')}) IS DISTINCT FROM (${coalesced('t', 'EXCLUDED')})`;

const SYMBOLS: Step<SymbolRow> = { table: 'symbols', stage: 'stage_symbols', columns: COLUMNS, write: [FROM_QUOTES, FROM_INSTRUMENTS] };

export const symbolsWriter: SnapshotWriter = {
  kind: 'symbols',
  async write(client, records) {
    const out = emptyResult();
    const rows = dataOf<SymbolsSnapshot>('symbols', records).flatMap(({ data, seq }) => data.symbols.map((row) => ({ row, seq })));
    // One row per symbol and kind: the two statements each touch a symbol at most once.
    await runStep(client, SYMBOLS, lastPerKey(rows, (r) => keyOf(r.symbol, r.authoritative)), out);
    return out;
  },
};
