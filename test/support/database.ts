import pg from 'pg';
import { inject } from 'vitest';
import { databaseUrl, queryServer, uniqueName } from './server.js';

export interface TestDatabase {
  name: string;
  url: string;
  pool: pg.Pool;
  /** Queries on the server's maintenance database; still usable after drop() (e.g. to drop cluster-wide roles). */
  admin: { query(text: string, values?: unknown[]): Promise<pg.QueryResult> };
  drop(): Promise<void>;
}

/**
 * A fresh database of its own on the run's server: a clone of the migrated template, or empty with
 * `migrated: false`. Call in beforeAll, drop in afterAll.
 */
export async function createTestDatabase({ migrated = true } = {}): Promise<TestDatabase> {
  const serverUrl = inject('databaseUrl');
  const name = uniqueName('test');
  const template = migrated ? ` TEMPLATE ${inject('templateDatabase')}` : '';
  await queryServer(serverUrl, `CREATE DATABASE ${name}${template}`);
  const url = databaseUrl(serverUrl, name);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  // A test that kills the server (or the database) must fail on its queries, not crash the worker.
  pool.on('error', () => undefined);
  let dropping: Promise<void> | undefined;
  const drop = (): Promise<void> => {
    dropping ??= pool.end().then(async () => {
      await queryServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    });
    return dropping;
  };
  const admin = { query: (text: string, values?: unknown[]) => queryServer(serverUrl, text, values) };
  return { name, url, pool, admin, drop };
}
