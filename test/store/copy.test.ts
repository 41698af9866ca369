import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ColumnSpec, NamedRow } from '../../src/decode/tables.js';
import { copyRows, writeWithBisect } from '../../src/store/copy.js';
import { encodeCopyText, isoTimestamp } from '../../src/store/copy-text.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const COLUMNS: ColumnSpec[] = [
  { name: 'id', type: 'int8' }, { name: 'txt', type: 'text' }, { name: 'doc', type: 'jsonb' },
  { name: 'tags', type: 'text[]' }, { name: 'price', type: 'float8' }, { name: 'at', type: 'timestamptz' },
  { name: 'day', type: 'date' }, { name: 'flag', type: 'bool' }, { name: 'amount', type: 'numeric' },
];
/** A named row as COPY takes it: its values in COLUMNS order. */
const positional = (row: NamedRow) => COLUMNS.map((c) => row[c.name] ?? null);

// Every character that COPY's text format or array literals treat specially, plus unicode beyond the BMP.
const AWKWARD = [
  'tab\there', 'new\nline', 'carriage\rreturn', 'back\\slash', '\\N', 'N', '"quoted"', "it's", '',
  ' leading and trailing ', 'comma,brace{}', 'NULL', 'émoji 😀 and ✓', '\\t literal', 'end\\',
  '\u0001control\u001f', 'zero-width\u200b', 'line\u2028sep',
];

describe('COPY text encoding', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await db.pool.query(`CREATE TABLE copy_probe (id bigint PRIMARY KEY, txt text, doc jsonb, tags text[], price float8,
      at timestamptz, day date, flag bool, amount numeric(8,2) CHECK (amount >= 0))`);
  });
  afterAll(async () => { await db?.drop(); });

  it('round-trips every awkward character byte for byte, and tells NULL from the empty string', async () => {
    const rows: NamedRow[] = AWKWARD.map((txt, i) => ({
      id: i, txt, doc: { txt, nested: [txt, null, 1.5] }, tags: [txt, 'plain', txt], price: 0.1 + i,
      at: 1_715_787_814_441 + i, day: '2024-05-17', flag: i % 2 === 0, amount: i,
    }));
    rows.push({ id: 100, txt: null, doc: null, tags: null, price: null, at: null, day: null, flag: null, amount: null });
    rows.push({ id: 101, txt: '', doc: '', tags: [], price: -0, at: 0, day: '1970-01-01', flag: false, amount: 0 });
    const client = await db.pool.connect();
    try {
      await copyRows(client, 'copy_probe', COLUMNS, rows.map(positional));
    } finally {
      client.release();
    }
    const { rows: back } = await db.pool.query(
      `SELECT id, txt, doc, tags, price, (extract(epoch FROM at) * 1000)::bigint AS at, day::text, flag, amount::float8 AS amount
         FROM copy_probe ORDER BY id`);
    expect(back.map((r) => ({ ...r, id: Number(r.id), at: r.at === null ? null : Number(r.at) }))).toEqual(rows.map((r) => ({ ...r, price: Object.is(r.price, -0) ? 0 : r.price })));
  });

  it('writes the exact bytes PostgreSQL expects for NULL, escapes, arrays and timestamps', () => {
    const line = encodeCopyText(COLUMNS, [positional({
      id: 7, txt: 'a\tb\\c\nd', doc: { k: 'v\n' }, tags: ['x y', 'q"uote', null as unknown as string], price: 1.25,
      at: 0, day: '2024-01-02', flag: true, amount: null,
    })]);
    expect(line).toBe('7\ta\\tb\\\\c\\nd\t{"k":"v\\\\n"}\t{"x y","q\\\\"uote",NULL}\t1.25\t1970-01-01T00:00:00.000Z\t2024-01-02\tt\t\\N\n');
  });

  it('bisects a failed COPY down to the bad rows and writes all the others', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => positional({
      id: 10_000 + i, txt: `row ${i}`, doc: null, tags: null, price: i, at: null, day: null, flag: null,
      amount: i === 137 ? -1 : i === 901 ? 1e9 : 1, // a CHECK violation and a numeric overflow
    }));
    const client = await db.pool.connect();
    let rejected;
    try {
      await client.query('BEGIN');
      rejected = await writeWithBisect(client, rows, (part) => copyRows(client, 'copy_probe', COLUMNS, part));
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    expect(rejected.map((r) => r.index)).toEqual([137, 901]);
    expect(rejected[0]?.reason).toMatch(/^23514: new row for relation "copy_probe" violates check constraint/);
    expect(rejected[1]?.reason).toMatch(/^22003: numeric field overflow/);
    const { rows: [count] } = await db.pool.query('SELECT count(*)::int AS n FROM copy_probe WHERE id >= 10000');
    expect(count.n).toBe(998);
  });
});

describe('isoTimestamp', () => {
  it('writes exactly what Date#toISOString writes, across days, leap days, epoch and sub-second values', () => {
    const samples = [0, 1, 999, 1000, 59_999, 86_399_999, 86_400_000, 951_782_400_000, 1_715_787_814_441, 1_795_612_198_112,
      -1, -86_400_001, 253_402_300_799_999, Date.UTC(2024, 1, 29, 23, 59, 59, 7)];
    for (let i = 0; i < 2000; i++) samples.push(Math.floor(Math.random() * 4_000_000_000_000));
    for (const ms of samples) expect(isoTimestamp(ms), String(ms)).toBe(new Date(ms).toISOString());
  });
});
