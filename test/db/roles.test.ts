import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePartitionsFor } from '../../src/db/partitions.js';
import { ensureRoles } from '../../src/db/roles.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

// Roles are cluster-wide: unique names keep parallel test files apart.
const suffix = randomBytes(4).toString('hex');
const writer = { name: `test_writer_${suffix}`, password: 'writer-secret' };
const reader = { name: `test_reader_${suffix}`, password: 'reader-secret' };

function poolAs(url: string, role: { name: string; password: string }): pg.Pool {
  const u = new URL(url);
  u.username = role.name;
  u.password = role.password;
  return new pg.Pool({ connectionString: u.toString(), max: 1 });
}

describe('db roles', () => {
  let db: TestDatabase;
  let asWriter: pg.Pool;
  let asReader: pg.Pool;

  beforeAll(async () => {
    db = await createTestDatabase();
    await ensureRoles(db.pool, { writer, reader });
    asWriter = poolAs(db.url, writer);
    asReader = poolAs(db.url, reader);
  });
  afterAll(async () => {
    await asWriter?.end();
    await asReader?.end();
    await db?.drop();
    await db?.admin.query(`DROP ROLE IF EXISTS ${writer.name}`);
    await db?.admin.query(`DROP ROLE IF EXISTS ${reader.name}`);
  });

  it('is idempotent', async () => {
    await expect(ensureRoles(db.pool, { writer, reader })).resolves.toMatchObject({ writer: writer.name, reader: reader.name });
  });

  it('lets the writer insert and create partitions on demand', async () => {
    await ensurePartitionsFor(asWriter, 'equity_quotes', [new Date('2031-03-04T12:00:00Z')]);
    await asWriter.query(`INSERT INTO equity_quotes (received_at, symbol, last_price) VALUES ('2031-03-04T12:00:00Z', 'MSFT', 400.5)`);
    const { rows } = await asWriter.query('SELECT tableoid::regclass::text AS part FROM equity_quotes');
    expect(rows).toEqual([{ part: 'equity_quotes_p20310304' }]);
  });

  it('lets the reader SELECT every table, including a partition created after the roles were set up', async () => {
    const { rows } = await asReader.query('SELECT symbol, last_price FROM equity_quotes_p20310304');
    expect(rows).toEqual([{ symbol: 'MSFT', last_price: 400.5 }]);
    const tables = await db.pool.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`);
    for (const { tablename } of tables.rows) {
      await expect(asReader.query(`SELECT count(*) FROM ${pg.escapeIdentifier(tablename)}`), tablename).resolves.toBeDefined();
    }
  });

  it('refuses the reader any write', async () => {
    await expect(asReader.query(`INSERT INTO equity_quotes (received_at, symbol) VALUES (now(), 'X')`))
      .rejects.toThrow(/permission denied for table equity_quotes/);
    await expect(asReader.query('DELETE FROM orders')).rejects.toThrow(/permission denied/);
    await expect(asReader.query('CREATE TABLE sneaky (x int)')).rejects.toThrow(/permission denied for schema public/);
  });
});
