// 'fundamentals' snapshots → fundamentals, one row per (symbol, as_of_date): a second poll the same day, or a
// second replay, updates that row in place (only when a value changed, and never with an older body's values)
// instead of adding one.
import { FUNDAMENTAL_COLUMNS, type FundamentalsSnapshot } from '../../decode/rest/instruments.js';
import type { NamedRow } from '../../decode/tables.js';
import { dataOf, emptyResult, keyOf, lastPerKey, names, runStep, type Step } from './stage.js';
import type { SnapshotWriter } from './types.js';

const KEY = ['symbol', 'as_of_date'];
const VALUES = FUNDAMENTAL_COLUMNS.filter((c) => !KEY.includes(c.name) && c.name !== 'received_at');

const UPSERT = `
  INSERT INTO fundamentals AS t (${names(FUNDAMENTAL_COLUMNS)})
  SELECT ${names(FUNDAMENTAL_COLUMNS)} FROM stage_fundamentals WHERE row_index = ANY($1::int[])
  ON CONFLICT (symbol, as_of_date) DO UPDATE SET (${names(VALUES)}, received_at) = (${names(VALUES, 'EXCLUDED.')}, EXCLUDED.received_at)
  WHERE (${names(VALUES, 't.')}) IS DISTINCT FROM (${names(VALUES, 'EXCLUDED.')}) AND t.received_at <= EXCLUDED.received_at`;

const FUNDAMENTALS: Step<NamedRow> = { table: 'fundamentals', stage: 'stage_fundamentals', columns: FUNDAMENTAL_COLUMNS, write: [UPSERT] };

export const fundamentalsWriter: SnapshotWriter = {
  kind: 'fundamentals',
  async write(client, records) {
    const out = emptyResult();
    const rows = dataOf<FundamentalsSnapshot>('fundamentals', records).flatMap(({ data, seq }) => data.rows.map((row) => ({ row, seq })));
    // The newest body of a day wins within a batch; the statement touches each key once.
    await runStep(client, FUNDAMENTALS, lastPerKey(rows, (r) => keyOf(r['symbol'], r['as_of_date'])), out);
    return out;
  },
};
