import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CellValue, ColumnSpec, NamedRow } from '../../src/decode/tables.js';
import { copyRows, writeWithBisect, type RejectedRow } from '../../src/store/copy.js';
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

describe('COPY binary encoding', () => {
  const BINARY: ColumnSpec[] = [
    { name: 'id', type: 'int8' }, { name: 'txt', type: 'text' }, { name: 'doc', type: 'jsonb' },
    { name: 'tags', type: 'text[]' }, { name: 'price', type: 'float8' }, { name: 'at', type: 'timestamptz' },
    { name: 'day', type: 'date' }, { name: 'flag', type: 'bool' }, { name: 'n', type: 'int4' },
  ];
  const binaryRow = (row: NamedRow) => BINARY.map((c) => row[c.name] ?? null);
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await db.pool.query(`CREATE TABLE binary_probe (id bigint PRIMARY KEY, txt text, doc jsonb, tags text[], price float8,
      at timestamptz, day date, flag bool, n int4 CHECK (n >= 0))`);
  });
  afterAll(async () => { await db?.drop(); });

  async function copyBinary(rows: CellValue[][]): Promise<RejectedRow[]> {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      const rejected = await writeWithBisect(client, rows, (part) => copyRows(client, 'binary_probe', BINARY, part, 'binary'));
      await client.query('COMMIT');
      return rejected;
    } finally {
      client.release();
    }
  }

  it('round-trips every type: awkward text, extreme integers, timestamps from year 1 to 275760, dates, arrays with NULLs', async () => {
    const named: NamedRow[] = AWKWARD.map((txt, i) => ({
      id: i, txt, doc: { txt, nested: [txt, null, 1.5] }, tags: [txt, 'plain', txt], price: 0.1 + i,
      at: 1_715_787_814_441 + i, day: '2024-05-17', flag: i % 2 === 0, n: i,
    }));
    named.push({ id: 100, txt: null, doc: null, tags: null, price: null, at: null, day: null, flag: null, n: null });
    named.push({ id: 101, txt: '', doc: '', tags: [], price: -0, at: 0, day: '1970-01-01', flag: false, n: 2_147_483_647 });
    named.push({ id: 102, txt: 'x', doc: [1, 'a'], tags: [null as unknown as string, 'b'], price: -1e300, at: -86_400_001, day: '1999-12-31', flag: true, n: 0 });
    named.push({ id: 9_007_199_254_740_991, txt: 'max', doc: 0, tags: ['{}'], price: 5e-324, at: 8.64e15, day: '2000-01-01', flag: true, n: 1 });
    named.push({ id: -9_007_199_254_740_991, txt: 'min', doc: true, tags: ['a,b'], price: 123.456, at: -62_135_596_800_000, day: '2099-02-28', flag: false, n: 3 });
    expect(await copyBinary(named.map(binaryRow))).toEqual([]);
    const { rows: back } = await db.pool.query(
      `SELECT id::text, txt, doc, tags, price, (extract(epoch FROM at) * 1000)::bigint::text AS at, day::text, flag, n
         FROM binary_probe ORDER BY binary_probe.id`);
    // Binary float8 keeps -0 (the text format's "0" does not).
    const expected = named.map((r) => ({ ...r, id: String(r.id), at: r.at === null ? null : String(r.at) }))
      .sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
    expect(back).toEqual(expected);
  });

  it('refuses, as data errors the bisection quarantines, values their column cannot hold; the other rows commit', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => binaryRow({ id: 1000 + i, txt: `row ${i}`, price: i, n: i }));
    rows[10]![8] = 2 ** 31; // beyond int4
    rows[20]![8] = 1.5; // a fraction in an integer column
    rows[30]![4] = 'NaN'; // text in a float8 column
    rows[50]![3] = 'not an array';
    rows[60]![8] = -1; // a CHECK violation
    rows[70]![6] = '2024-02-30'; // no such day
    const rejected = await copyBinary(rows);
    expect(rejected.map((r) => r.index)).toEqual([10, 20, 30, 50, 60, 70]);
    expect(rejected.map((r) => r.reason.slice(0, 5))).toEqual(['22P03', '22P03', '22P03', '22021', '23514', '22P03']);
    const { rows: [count] } = await db.pool.query('SELECT count(*)::int AS n FROM binary_probe WHERE id BETWEEN 1000 AND 1199');
    expect(count.n).toBe(194);
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

describe('COPY of numeric arrays (float8[], int4[], int8[])', () => {
  const ARRAYS: ColumnSpec[] = [
    { name: 'id', type: 'int8' }, { name: 'prices', type: 'float8[]' }, { name: 'counts', type: 'int4[]' },
    { name: 'sizes', type: 'int8[]' },
  ];
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await db.pool.query('CREATE TABLE array_probe (id bigint PRIMARY KEY, prices float8[], counts int4[], sizes int8[])');
  });
  afterAll(async () => { await db?.drop(); });

  const ROWS: CellValue[][] = [
    [1, [13.12, 13.11, 13.1], [9, 2, 2], [31_600, 900, 800]],
    [2, [], [], []],
    [3, null, null, null],
    [4, [null, 0.1, null], [null, 0], [null]],
    [5, [-1e300, 5e-324, 123.456], [-2_147_483_648, 2_147_483_647], [-9_007_199_254_740_991, 9_007_199_254_740_991]],
    [6, [221.38], [1], [0]],
  ];

  async function copyArrays(rows: CellValue[][], format: 'text' | 'binary', offset = 0): Promise<RejectedRow[]> {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      const shifted = rows.map((r) => [(r[0] as number) + offset, ...r.slice(1)]);
      const rejected = await writeWithBisect(client, shifted, (part) => copyRows(client, 'array_probe', ARRAYS, part, format));
      await client.query('COMMIT');
      return rejected;
    } finally {
      client.release();
    }
  }

  const readBack = async (from: number, to: number) => (await db.pool.query(
    `SELECT id::int - $1::int AS id, prices, counts, sizes::text[] AS sizes FROM array_probe WHERE id BETWEEN $1 AND $2 ORDER BY id`,
    [from, to])).rows.map((r) => [r.id, r.prices, r.counts, r.sizes === null ? null : r.sizes.map((s: string | null) => (s === null ? null : Number(s)))]);

  it.each(['binary', 'text'] as const)('round-trips values, NULL elements, empty and NULL arrays and the extremes of each type (%s)', async (format) => {
    const offset = format === 'binary' ? 0 : 100;
    expect(await copyArrays(ROWS, format, offset)).toEqual([]);
    expect(await readBack(offset, offset + 99)).toEqual(ROWS);
  });

  it('writes the array literal PostgreSQL reads in the text format', () => {
    expect(encodeCopyText(ARRAYS, [[7, [1.5, null, -0, 1e21], [3, null], [9_007_199_254_740_991]]]))
      .toBe('7\t{1.5,NULL,0,1e+21}\t{3,NULL}\t{9007199254740991}\n');
  });

  it('refuses in binary, as data errors the bisection quarantines, elements their type cannot hold; the other rows commit', async () => {
    const rows: CellValue[][] = Array.from({ length: 40 }, (_, i) => [1000 + i, [i + 0.5], [i], [i]]);
    rows[3]![2] = [1, 2 ** 31]; // beyond int4
    rows[7]![3] = [1.5]; // a fraction in int8[]
    rows[11]![1] = ['NaN']; // text in float8[]
    rows[19]![3] = 'not an array' as unknown as CellValue;
    rows[23]![3] = [2 ** 53 + 2]; // beyond a safe integer
    const rejected = await copyArrays(rows, 'binary');
    expect(rejected.map((r) => r.index)).toEqual([3, 7, 11, 19, 23]);
    expect(rejected.map((r) => r.reason.slice(0, 5))).toEqual(['22P03', '22P03', '22P03', '22P03', '22P03']);
    const { rows: [count] } = await db.pool.query('SELECT count(*)::int AS n FROM array_probe WHERE id BETWEEN 1000 AND 1039');
    expect(count.n).toBe(35);
  });
});
