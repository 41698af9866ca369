import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readPostmasterPid, startEmbedded, stopEmbedded, type EmbeddedOptions } from '../../src/db/embedded.js';
import { isProcessAlive } from '../../src/process.js';
import { createLogger } from '../../src/log/logger.js';
import { runCli } from '../support/cli.js';
import { freePort } from '../support/server.js';

const logger = createLogger({ level: 'silent' });

async function query(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

describe('embedded postgres', () => {
  let dir: string;
  let options: EmbeddedOptions;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'embedded-test-'));
    await chmod(dir, 0o755); // as root the server runs as the postgres user, which must be able to enter it
    options = { dataDir: path.join(dir, 'pgdata'), port: await freePort(), user: 'postgres', password: 'postgres', database: 'recorder_test' };
    // Same user and password as config/default.json, so that the CLI test below can reach this server.
  });
  afterAll(async () => {
    await stopEmbedded(options.dataDir, logger);
    await rm(dir, { recursive: true, force: true });
  });

  it('initialises an empty data dir, starts the server and creates the configured database', async () => {
    const server = await startEmbedded(options, logger);
    expect(server.ownedByUs).toBe(true);
    expect(await readPostmasterPid(options.dataDir)).toMatchObject({ pid: server.pid, port: options.port, status: 'ready' });
    const { rows } = await query(server.url, 'SELECT current_database() AS name');
    expect(rows).toEqual([{ name: 'recorder_test' }]);
  });

  it('reuses the server already running on the data dir instead of starting another', async () => {
    const first = await readPostmasterPid(options.dataDir);
    const again = await startEmbedded({ ...options, port: await freePort() }, logger);
    expect(again.ownedByUs).toBe(false);
    expect(again.pid).toBe(first?.pid);
    expect(again.port).toBe(options.port);
  });

  it('stops the server: postmaster.pid is gone and the process has exited', async () => {
    const running = await readPostmasterPid(options.dataDir);
    expect(await stopEmbedded(options.dataDir, logger)).toBe(true);
    expect(await readPostmasterPid(options.dataDir)).toBeUndefined();
    // The postmaster removes its pid file just before it exits, so its pid may linger for a moment.
    await vi.waitFor(() => expect(isProcessAlive(running?.pid ?? 0)).toBe(false));
    expect(await stopEmbedded(options.dataDir, logger)).toBe(false);
  });

  it('keeps its data across a restart', async () => {
    const server = await startEmbedded(options, logger);
    await query(server.url, `CREATE TABLE kept (note text); INSERT INTO kept VALUES ('still here')`);
    await server.stop();
    const restarted = await startEmbedded(options, logger);
    expect(restarted.ownedByUs).toBe(true);
    expect((await query(restarted.url, 'SELECT note FROM kept')).rows).toEqual([{ note: 'still here' }]);
    await restarted.stop();
  });

  it('keeps running after the `db start` process has exited, until `db stop`', async () => {
    const env = { DATABASE_URL: '', SCHWAB_RECORDER_DATA_DIR: options.dataDir, SCHWAB_RECORDER_PG_PORT: String(options.port) };
    const cli = (...args: string[]) => runCli(args, env);
    const started = await cli('db', 'start');
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/embedded postgres: started/);
    const running = await readPostmasterPid(options.dataDir);
    expect(isProcessAlive(running?.pid ?? 0)).toBe(true);
    expect((await cli('db', 'status')).stdout).toMatch(new RegExp(`running:\\s+yes[\\s\\S]*pid:\\s+${running?.pid}`));
    expect((await cli('db', 'stop')).stdout).toMatch(/embedded postgres: stopped/);
    expect(await readPostmasterPid(options.dataDir)).toBeUndefined();
  });

  it('says in one line why initdb could not initialise the data dir', async () => {
    const cluttered = { ...options, dataDir: path.join(dir, 'cluttered') };
    await mkdir(cluttered.dataDir);
    await writeFile(path.join(cluttered.dataDir, 'notes.txt'), 'not a database');
    await expect(startEmbedded(cluttered, logger)).rejects.toMatchObject({
      code: 'EMBEDDED_PG_FAILED',
      message: `initdb could not initialise ${cluttered.dataDir}: initdb: error: directory "${cluttered.dataDir}" exists but is not empty`,
    });
  });
});
