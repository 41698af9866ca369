import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentVersion, history, migrate, readMigrations, rollback } from '../../src/db/migrations.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const migrationsDir = fixture('migrations');

async function tableExists(db: TestDatabase, table: string): Promise<boolean> {
  const { rows } = await db.pool.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [table]);
  return rows[0]?.found === true;
}

describe('migrations (fixture directory)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('reports version 0 for a database never migrated', async () => {
    expect(await currentVersion(db.pool)).toBe(0);
  });

  it('migrates to the highest version, one step per file', async () => {
    const result = await migrate(db.pool, { migrationsDir });
    expect(result).toEqual({
      from: 0,
      to: 2,
      steps: [
        { version: 1, name: 'create-widgets', action: 'do' },
        { version: 2, name: 'add-widget-color', action: 'do' },
      ],
    });
    expect(await currentVersion(db.pool)).toBe(2);
  });

  it('does nothing when already at the target', async () => {
    expect(await migrate(db.pool, { migrationsDir })).toEqual({ from: 2, to: 2, steps: [] });
  });

  it('lists every migration in history with the time it was applied', async () => {
    const entries = await history(db.pool, { migrationsDir });
    expect(entries.map(({ version, name, applied, fileMissing }) => ({ version, name, applied, fileMissing }))).toEqual([
      { version: 1, name: 'create-widgets', applied: true, fileMissing: false },
      { version: 2, name: 'add-widget-color', applied: true, fileMissing: false },
    ]);
    for (const entry of entries) expect(entry.appliedAt).toBeInstanceOf(Date);
  });

  it('rolls back one migration by default', async () => {
    expect(await rollback(db.pool, { migrationsDir })).toMatchObject({ from: 2, to: 1, steps: [{ version: 2, action: 'undo' }] });
    const { rows } = await db.pool.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'widgets' ORDER BY 1`);
    expect(rows).toEqual([{ column_name: 'id' }, { column_name: 'name' }]);
    const pending = await history(db.pool, { migrationsDir });
    expect(pending.map((entry) => [entry.version, entry.applied, entry.appliedAt])).toEqual([
      [1, true, expect.any(Date)],
      [2, false, null],
    ]);
  });

  it('rolls back several migrations with steps, down to an empty schema', async () => {
    await migrate(db.pool, { migrationsDir });
    expect(await rollback(db.pool, { migrationsDir, steps: 5 })).toMatchObject({ from: 2, to: 0 });
    expect(await tableExists(db, 'widgets')).toBe(false);
  });

  it('migrates up or down to an explicit version with to', async () => {
    expect(await migrate(db.pool, { migrationsDir, to: 1 })).toMatchObject({ from: 0, to: 1 });
    await migrate(db.pool, { migrationsDir });
    expect(await migrate(db.pool, { migrationsDir, to: 1 })).toMatchObject({ from: 2, to: 1, steps: [{ version: 2, action: 'undo' }] });
  });

  it('refuses a target version that has no migration file', async () => {
    await expect(migrate(db.pool, { migrationsDir, to: 7 })).rejects.toMatchObject({ code: 'USAGE' });
  });
});

describe('migrations that fail or race', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('leaves the schema at the last good version when a migration fails, with nothing of the failed file applied', async () => {
    const failing = migrate(db.pool, { migrationsDir: fixture('migrations-failing') });
    await expect(failing).rejects.toMatchObject({ code: 'MIGRATION_FAILED', message: expect.stringContaining('migration 2 (half-done, do)') });
    expect(await currentVersion(db.pool)).toBe(1);
    expect(await tableExists(db, 'gadgets')).toBe(false);
    await rollback(db.pool, { migrationsDir });
  });

  it('applies each migration exactly once when two migrators run at the same time', async () => {
    const [first, second] = await Promise.all([migrate(db.pool, { migrationsDir }), migrate(db.pool, { migrationsDir })]);
    expect([...first.steps, ...second.steps].map((step) => step.version).sort()).toEqual([1, 2]);
    expect(await currentVersion(db.pool)).toBe(2);
  });
});

describe('migration files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'migrations-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('rejects a do file without its undo, and a badly named file, naming each', async () => {
    await writeFile(path.join(dir, '001.do.orphan.sql'), 'SELECT 1;');
    await writeFile(path.join(dir, '002-missing-dots.sql'), 'SELECT 1;');
    const reading = readMigrations(dir);
    await expect(reading).rejects.toMatchObject({ code: 'MIGRATIONS_INVALID' });
    await expect(reading).rejects.toThrow(/001\.do\.orphan\.sql: no matching 1\.undo\.orphan\.sql/);
    await expect(reading).rejects.toThrow(/002-missing-dots\.sql: name must be/);
  });

  it('reports a missing migrations directory clearly', async () => {
    await expect(readMigrations(path.join(dir, 'nope'))).rejects.toMatchObject({ code: 'MIGRATIONS_INVALID', message: expect.stringContaining('ENOENT') });
  });
});

describe('migrations in sql/', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('migrates to the highest file number, rolls all the way back to 0 and migrates up again', async () => {
    const files = await readMigrations();
    const highest = files.at(-1)?.version ?? 0;
    await migrate(db.pool);
    expect(await currentVersion(db.pool)).toBe(highest);
    expect((await history(db.pool)).every((entry) => entry.applied)).toBe(true);
    await rollback(db.pool, { steps: files.length });
    expect(await currentVersion(db.pool)).toBe(0);
    await migrate(db.pool);
    expect(await currentVersion(db.pool)).toBe(highest);
  });
});
