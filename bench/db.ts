// The benchmark's own embedded PostgreSQL (default settings, nothing tuned), a migrated template database, and a
// fresh copy of it per measurement (CREATE DATABASE ... TEMPLATE), so every job writes into the same empty,
// partitioned, indexed tables.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { readPostmasterPid, startEmbedded, type EmbeddedOptions, type EmbeddedServer } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrations.js';
import { ensurePartitionsAhead } from '../src/db/partitions.js';
import { createLogger } from '../src/log/logger.js';

export const silent = createLogger({ level: 'silent' });
const TEMPLATE = 'bench_template';

export interface BenchServer {
  /** Scratch folder of the whole run: data dir, recordings, COPY files. */
  dir: string;
  embedded: EmbeddedOptions;
  server: EmbeddedServer;
  version: string;
  /** A fresh copy of the migrated template; returns its URL. */
  fresh(name: string): Promise<string>;
  /**
   * Drops a job's database once its figures are read: left behind, its millions of fresh rows keep autovacuum busy
   * during the next jobs (three floods in a row measured 60, 59, 63k rows/s with PostgreSQL's CPU 37, 76, 99 s).
   */
  drop(name: string): Promise<void>;
  /** The live postmaster's pid (it changes when a job restarts the server). */
  postmasterPid(): Promise<number>;
  close(): Promise<void>;
}

export async function startBenchServer(): Promise<BenchServer> {
  // As root the server runs as `postgres`, which must be able to reach the data dir.
  const dir = await mkdtemp(path.join(os.tmpdir(), 'schwab-bench-'));
  await chmod(dir, 0o777);
  const embedded: EmbeddedOptions = {
    dataDir: path.join(dir, 'pg'), port: 55000 + Math.floor(Math.random() * 5000), user: 'postgres', password: 'bench', database: 'postgres',
  };
  const server = await startEmbedded(embedded, silent);
  const version = await withClient(server.url, async (c) => (await c.query<{ version: string }>('SELECT version()')).rows[0]!.version);
  await withClient(server.url, (c) => c.query(`CREATE DATABASE ${TEMPLATE}`));
  const templatePool = new pg.Pool({ connectionString: databaseUrl(server.url, TEMPLATE), max: 1 });
  await migrate(templatePool);
  await ensurePartitionsAhead(templatePool, { daily: 2, weekly: 1, monthly: 1 });
  await templatePool.end();
  return {
    dir, embedded, server, version,
    fresh: async (name) => {
      await withClient(server.url, async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE}`);
      });
      return databaseUrl(server.url, name);
    },
    drop: (name) => withClient(server.url, async (c) => { await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); }),
    postmasterPid: async () => (await readPostmasterPid(embedded.dataDir))?.pid ?? 0,
    close: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** One short-lived connection (no pool to outlive a server restart). */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Rows in the workload's tables and in rejected_rows: what a job committed, counted by PostgreSQL. */
export async function countRows(url: string, tables: readonly string[]): Promise<{ rows: Record<string, number>; rejected: number }> {
  return withClient(url, async (c) => {
    const rows: Record<string, number> = {};
    for (const table of tables) rows[table] = Number((await c.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
    const rejected = Number((await c.query('SELECT count(*) AS n FROM rejected_rows')).rows[0].n);
    return { rows, rejected };
  });
}

export interface StoredSize {
  rows: number;
  /** Heap, indexes and TOAST (with its index) of every partition: what the table costs on disk. */
  totalBytes: number;
  indexBytes: number;
  toastBytes: number;
}

/**
 * What a partitioned table takes on disk: pg_total_relation_size of the parent is 0 (it has no storage), so every
 * leaf of pg_partition_tree is summed. Indexes and TOAST come apart, to say where the bytes of a row go.
 */
export async function storedSize(url: string, table: string): Promise<StoredSize> {
  return withClient(url, async (c) => {
    const { rows: [r] } = await c.query<{ total: string; indexes: string; toast: string }>(
      `SELECT coalesce(sum(pg_total_relation_size(p.relid)), 0) AS total, coalesce(sum(pg_indexes_size(p.relid)), 0) AS indexes,
              coalesce(sum(pg_total_relation_size(nullif(k.reltoastrelid, 0))), 0) AS toast
         FROM pg_partition_tree($1::regclass) p JOIN pg_class k ON k.oid = p.relid WHERE p.isleaf`, [table]);
    const count = Number((await c.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
    return { rows: count, totalBytes: Number(r!.total), indexBytes: Number(r!.indexes), toastBytes: Number(r!.toast) };
  });
}
