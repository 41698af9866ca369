// Where the embedded server keeps its data. As root the server runs as the postgres user, which must own its data
// dir and be able to walk down to it; when the configured place does not allow that, the data lives elsewhere.
import { chown, mkdir, mkdtemp, readdir, readlink, realpath, rm, rmdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { RecorderError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { firstClosedFolder, makeOpenFolder, type Owner } from './embedded-access.js';

/** Root's relocated data dirs: root-owned and kept across reboots (a temp folder gets aged out by tmpfiles). */
export const RELOCATED_DATA_ROOT = '/var/lib/schwab-recorder';

/** The data dir as the server sees it (through the symlink a relocation left), checked to be reachable by `owner`. */
export async function serverDataDir(dataDir: string, owner: Owner | undefined): Promise<string> {
  const dir = await realpath(dataDir).catch(() => dataDir);
  const closed = owner === undefined ? undefined : await firstClosedFolder(path.dirname(dir), owner);
  if (closed !== undefined) throw unreachable(dataDir, closed);
  return dir;
}

/**
 * Makes the folder initdb fills and returns its path as the server sees it. As root, when a folder above the
 * configured data dir is closed to the postgres user (a clone under root's home or `mktemp -d`), the data goes to a
 * new folder under RELOCATED_DATA_ROOT and the configured path becomes a symlink to it: whatever reads the data dir
 * by its configured path (postmaster.pid, `db status`, `db stop`) still finds it, and the user's own folders keep
 * their permissions. One log line says where the data went.
 */
export async function prepareDataDir(dataDir: string, owner: Owner | undefined, logger: Logger): Promise<string> {
  await mkdir(path.dirname(dataDir), { recursive: true, mode: 0o755 });
  if (owner === undefined) return dataDir;
  const link = await readlink(dataDir).catch(() => undefined);
  // A link whose target is gone (deleted by hand) gets a fresh folder where it points.
  if (link !== undefined) return ownedFolder(path.resolve(path.dirname(dataDir), link), owner, dataDir);
  const closed = await firstClosedFolder(path.dirname(dataDir), owner);
  if (closed === undefined) return ownedFolder(dataDir, owner, dataDir);
  if (!(await isEmptyOrMissing(dataDir))) throw unreachable(dataDir, closed);
  return relocate(dataDir, closed, owner, logger);
}

async function ownedFolder(dir: string, owner: Owner, dataDir: string): Promise<string> {
  const closed = await firstClosedFolder(path.dirname(dir), owner);
  if (closed !== undefined) throw unreachable(dataDir, closed);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chown(dir, owner.uid, owner.gid);
  return dir;
}

async function relocate(dataDir: string, closed: string, owner: Owner, logger: Logger): Promise<string> {
  await makeOpenFolder(RELOCATED_DATA_ROOT);
  const target = await mkdtemp(path.join(RELOCATED_DATA_ROOT, `${path.basename(dataDir)}-`));
  await ownedFolder(target, owner, dataDir);
  // An empty data dir is what an initdb that failed before this fix left behind.
  await rmdir(dataDir).catch(() => undefined);
  try {
    await symlink(target, dataDir);
  } catch (error) {
    await rm(target, { recursive: true, force: true });
    // A concurrent start relocated it first: use its folder.
    const link = await readlink(dataDir).catch(() => undefined);
    if (link === undefined) throw new RecorderError('EMBEDDED_PG_FAILED', `could not link ${dataDir} to ${target}: ${(error as Error).message}`);
    return ownedFolder(path.resolve(path.dirname(dataDir), link), owner, dataDir);
  }
  logger.info(
    { dataDir, serverDataDir: target },
    `the postgres user cannot enter ${closed}: the embedded server keeps its data in ${target}, linked from ${dataDir}`,
  );
  return target;
}

function unreachable(dataDir: string, closed: string): RecorderError {
  return new RecorderError(
    'EMBEDDED_PG_FAILED',
    `the postgres user cannot reach ${dataDir}: ${closed} is closed to it ` +
      `(chmod o+x ${closed}, or choose another data dir with SCHWAB_RECORDER_DATA_DIR)`,
  );
}

async function isEmptyOrMissing(dir: string): Promise<boolean> {
  return readdir(dir).then(
    (entries) => entries.length === 0,
    (error: NodeJS.ErrnoException) => error.code === 'ENOENT',
  );
}
