import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLES, type ColumnSpec, type ColumnType, type TableName } from '../../src/decode/tables.js';
import { columns, type ColumnInfo } from '../support/catalog.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const SIMPLE_TYPES: Record<string, ColumnType> = {
  'double precision': 'float8', integer: 'int4', bigint: 'int8', text: 'text', boolean: 'bool',
  'timestamp with time zone': 'timestamptz', date: 'date', jsonb: 'jsonb', 'text[]': 'text[]',
  'double precision[]': 'float8[]', 'integer[]': 'int4[]', 'bigint[]': 'int8[]',
};

/** The catalog's column as a ColumnSpec: varchar(n) is text with a maxLength, numeric(p,s) keeps p and s. */
function specOf(column: ColumnInfo): ColumnSpec {
  const varchar = /^character varying\((\d+)\)$/.exec(column.type);
  if (varchar) return { name: column.column, type: 'text', maxLength: Number(varchar[1]) };
  const numeric = /^numeric\((\d+),(\d+)\)$/.exec(column.type);
  if (numeric) {
    return { name: column.column, type: 'numeric', numeric: { precision: Number(numeric[1]), scale: Number(numeric[2]) } };
  }
  return { name: column.column, type: SIMPLE_TYPES[column.type] ?? (`unmapped ${column.type}` as ColumnType) };
}

// Columns the database fills itself (serial ids, creation times); every other column is the decoder's.
const filledByDatabase = (column: ColumnInfo) =>
  column.default !== null && (column.default.startsWith('nextval(') || column.default === 'now()');

describe('TABLES', () => {
  let db: TestDatabase;
  let catalog: ColumnInfo[];

  beforeAll(async () => {
    db = await createTestDatabase();
    catalog = await columns(db.pool);
  });
  afterAll(async () => db.drop());

  it.each(Object.keys(TABLES) as TableName[])('lists exactly the columns and types of %s in the migrated schema', (table) => {
    const expected = catalog.filter((c) => c.table === table && !filledByDatabase(c)).map(specOf);
    expect(expected.length).toBeGreaterThan(0);
    expect(TABLES[table].columns).toEqual(expected);
  });

  it('upserts price_data on the seed unique key', async () => {
    const { rows } = await db.pool.query<{ definition: string }>(`
      SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint
       WHERE conrelid = 'price_data'::regclass AND contype = 'u'`);
    expect(rows.map((r) => r.definition)).toContain(
      `UNIQUE NULLS NOT DISTINCT (${TABLES.price_data.upsertKey?.join(', ')})`);
  });
});
