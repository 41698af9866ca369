import { readdir } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import Postgrator from 'postgrator';
import { RecorderError } from '../errors.js';
import { repoRoot } from '../paths.js';

/**
 * Schema migrations: plain SQL files `<n>.do.<name>.sql` / `<n>.undo.<name>.sql` applied by postgrator, which
 * records them in `schemaversion`. Postgrator takes no lock and runs each file outside any transaction, so we move
 * one version at a time, each in its own transaction holding an advisory lock: a failed file leaves the schema at
 * the previous version, and concurrent migrators queue up instead of interleaving. A transaction-level lock also
 * works through a transaction-mode pooler. Files must therefore not contain BEGIN/COMMIT themselves.
 */

export const DEFAULT_MIGRATIONS_DIR = path.join(repoRoot, 'sql');
const SCHEMA_TABLE = 'schemaversion';
/** Arbitrary, fixed key; every schwab-recorder migrator takes the same one. */
const MIGRATION_LOCK_KEY = 7_316_254_001;

export type Database = pg.Pool | pg.ClientBase;

export interface MigrationsOptions {
  /** Defaults to `<repo>/sql`. */
  migrationsDir?: string;
}

export interface MigrationFile {
  version: number;
  name: string;
  doFile: string;
  undoFile: string;
}

export interface MigrationStep {
  version: number;
  name: string;
  action: 'do' | 'undo';
}

export interface MigrateResult {
  from: number;
  to: number;
  steps: MigrationStep[];
}

export interface HistoryEntry {
  version: number;
  name: string;
  applied: boolean;
  appliedAt: Date | null;
  /** Recorded as applied in the database, but its file is gone from the migrations directory. */
  fileMissing: boolean;
}

/** Moves the schema to `to` (default: the highest migration), up or down. */
export async function migrate(db: Database, options: MigrationsOptions & { to?: number } = {}): Promise<MigrateResult> {
  const files = await readMigrations(options.migrationsDir);
  const goal = options.to ?? files.at(-1)?.version ?? 0;
  if (goal !== 0 && !files.some((file) => file.version === goal)) {
    throw new RecorderError('USAGE', `there is no migration ${goal}; known versions: ${describeVersions(files)}`);
  }
  return withClient(db, (client) => moveTo(client, files, goal, options.migrationsDir));
}

/** Undoes the last `steps` applied migrations. */
export async function rollback(db: Database, options: MigrationsOptions & { steps?: number } = {}): Promise<MigrateResult> {
  const steps = options.steps ?? 1;
  if (!Number.isInteger(steps) || steps < 1) throw new RecorderError('USAGE', `steps must be a positive integer, got ${steps}`);
  const files = await readMigrations(options.migrationsDir);
  return withClient(db, async (client) => {
    const current = await postgratorFor(client, options.migrationsDir).getDatabaseVersion();
    const below = files.filter((file) => file.version <= current);
    const goal = below[below.length - 1 - steps]?.version ?? 0;
    return moveTo(client, files, goal, options.migrationsDir);
  });
}

/** The highest applied version; 0 for an empty database. */
export async function currentVersion(db: Database): Promise<number> {
  return withClient(db, (client) => postgratorFor(client).getDatabaseVersion());
}

/** Every migration file, plus any version the database has applied whose file is gone, in version order. */
export async function history(db: Database, options: MigrationsOptions = {}): Promise<HistoryEntry[]> {
  const files = await readMigrations(options.migrationsDir);
  const rows = await withClient(db, appliedRows);
  const entries = files.map((file) => {
    const row = rows.get(file.version);
    return { version: file.version, name: file.name, applied: row !== undefined, appliedAt: row?.run_at ?? null, fileMissing: false };
  });
  for (const row of rows.values()) {
    if (!files.some((file) => file.version === row.version)) {
      entries.push({ version: row.version, name: row.name ?? '', applied: true, appliedAt: row.run_at, fileMissing: true });
    }
  }
  return entries.sort((a, b) => a.version - b.version);
}

/** Reads and checks the migrations directory: names well formed, versions unique, every do paired with its undo. */
export async function readMigrations(migrationsDir = DEFAULT_MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const names = await readdir(migrationsDir).catch((error: NodeJS.ErrnoException) => {
    throw new RecorderError('MIGRATIONS_INVALID', `cannot read migrations directory ${migrationsDir} (${error.code ?? 'unreadable'})`);
  });
  const problems: string[] = [];
  const byVersion = new Map<number, Partial<MigrationFile> & { version: number }>();
  for (const file of names.filter((name) => name.endsWith('.sql')).sort()) {
    const match = /^(\d+)\.(do|undo)\.([\w-]+)\.sql$/.exec(file);
    if (match === null) {
      problems.push(`${file}: name must be <number>.do.<name>.sql or <number>.undo.<name>.sql`);
      continue;
    }
    const [, number = '', action, name = ''] = match;
    const entry = byVersion.get(Number(number)) ?? { version: Number(number) };
    const key = action === 'do' ? 'doFile' : 'undoFile';
    if (entry[key] !== undefined) problems.push(`${file}: version ${entry.version} already has a ${action} file (${entry[key]})`);
    else if (entry.name !== undefined && entry.name !== name) problems.push(`${file}: name differs from its pair's "${entry.name}"`);
    byVersion.set(entry.version, { ...entry, name, [key]: file });
  }
  const files = [...byVersion.values()].sort((a, b) => a.version - b.version);
  for (const file of files) {
    if (file.doFile === undefined) problems.push(`${file.undoFile}: no matching ${file.version}.do.${file.name}.sql`);
    if (file.undoFile === undefined) problems.push(`${file.doFile}: no matching ${file.version}.undo.${file.name}.sql`);
  }
  if (problems.length > 0) {
    throw new RecorderError('MIGRATIONS_INVALID', `invalid migrations in ${migrationsDir}:\n${problems.join('\n')}`);
  }
  return files as MigrationFile[];
}

async function moveTo(client: pg.ClientBase, files: MigrationFile[], goal: number, migrationsDir?: string): Promise<MigrateResult> {
  const postgrator = postgratorFor(client, migrationsDir);
  const from = await postgrator.getDatabaseVersion();
  const steps: MigrationStep[] = [];
  for (;;) {
    const step = await inTransaction(client, () => stepToward(postgrator, files, goal));
    if (step === undefined) return { from, to: await postgrator.getDatabaseVersion(), steps };
    steps.push(step);
  }
}

/** Applies or undoes the one migration next toward `goal`; undefined when already there. Runs inside the lock. */
async function stepToward(postgrator: Postgrator, files: MigrationFile[], goal: number): Promise<MigrationStep | undefined> {
  const current = await postgrator.getDatabaseVersion();
  if (current === goal) return undefined;
  const currentFile = files.find((file) => file.version === current);
  if (current !== 0 && currentFile === undefined) {
    throw new RecorderError('MIGRATIONS_INVALID', `the database is at version ${current}, which has no migration file; known versions: ${describeVersions(files)}`);
  }
  const action = goal > current ? 'do' : 'undo';
  // Up applies the next file; down undoes the current one, landing on the version below it (0 below the first).
  const file = action === 'do' ? files.find((candidate) => candidate.version > current) : currentFile;
  if (file === undefined) return undefined;
  const target = action === 'do' ? file.version : (files.findLast((candidate) => candidate.version < current)?.version ?? 0);
  try {
    await postgrator.migrate(String(target));
  } catch (error) {
    throw new RecorderError('MIGRATION_FAILED', `migration ${file.version} (${file.name}, ${action}) failed: ${(error as Error).message}`, { cause: error });
  }
  return { version: file.version, name: file.name, action };
}

function postgratorFor(client: pg.ClientBase, migrationsDir = DEFAULT_MIGRATIONS_DIR): Postgrator {
  return new Postgrator({
    driver: 'pg',
    schemaTable: SCHEMA_TABLE,
    migrationPattern: `${globEscape(migrationsDir)}/*.sql`,
    execQuery: (query) => client.query(query),
    execSqlScript: async (script) => {
      await client.query(script);
    },
  });
}

async function inTransaction<T>(client: pg.ClientBase, body: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    const result = await body();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // A failed ROLLBACK (connection lost) must not hide the error that caused it.
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

interface AppliedRow {
  version: number;
  name: string | null;
  run_at: Date | null;
}

async function appliedRows(client: pg.ClientBase): Promise<Map<number, AppliedRow>> {
  const exists = await client.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [SCHEMA_TABLE]);
  if (exists.rows[0]?.found !== true) return new Map();
  // version is BIGINT, which pg returns as a string.
  const result = await client.query<AppliedRow>(`SELECT version::int AS version, name, run_at FROM ${SCHEMA_TABLE} WHERE version > 0`);
  return new Map(result.rows.map((row) => [row.version, row]));
}

async function withClient<T>(db: Database, body: (client: pg.ClientBase) => Promise<T>): Promise<T> {
  if (!(db instanceof pg.Pool)) return body(db);
  const client = await db.connect();
  try {
    return await body(client);
  } finally {
    client.release();
  }
}

/** postgrator globs its pattern; a directory name with glob syntax in it must not be read as a pattern. */
function globEscape(dir: string): string {
  return dir.replace(/[*?[\]{}()!]/g, '\\$&');
}

function describeVersions(files: MigrationFile[]): string {
  return files.length === 0 ? 'none' : files.map((file) => file.version).join(', ');
}
