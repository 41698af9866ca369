// Who the embedded server runs as, and which paths that user can reach. Only matters as root: PostgreSQL refuses to
// run as root, so the server runs as the `postgres` system user, which cannot enter folders only root can (root's
// home, a `mktemp -d` folder).
import { execFile } from 'node:child_process';
import type { Stats } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { RecorderError } from '../errors.js';
import type { Logger } from '../log/logger.js';

const execFileAsync = promisify(execFile);

/** Unix user and group the server runs as. Undefined when we are not root: then it runs as us. */
export interface Owner {
  uid: number;
  gid: number;
}

const SERVER_USER = 'postgres';

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** The `postgres` user when we are root, created as a system user if the machine has none (a bare container). */
export async function serverOwner(logger: Logger): Promise<Owner | undefined> {
  if (!isRoot()) return undefined;
  const found = await lookupUser();
  if (found !== undefined) return found;
  const failure = await createUser().then(
    () => undefined,
    (error: unknown) => commandFailure(error),
  );
  // A concurrent process may have created it between our lookup and useradd: that is as good.
  const created = await lookupUser();
  if (created === undefined) {
    throw new RecorderError(
      'EMBEDDED_PG_FAILED',
      `running as root, and there is no "${SERVER_USER}" user to run the embedded server as (creating one failed: ${failure}); ` +
        `create it (e.g. useradd --system ${SERVER_USER}), run as another user, or set DATABASE_URL`,
    );
  }
  if (failure === undefined) logger.info({ user: SERVER_USER }, `created the system user "${SERVER_USER}" to run the embedded server as`);
  return created;
}

async function lookupUser(): Promise<Owner | undefined> {
  try {
    const [uid, gid] = await Promise.all([idOf('-u'), idOf('-g')]);
    return { uid, gid };
  } catch {
    return undefined;
  }
}

async function idOf(flag: '-u' | '-g'): Promise<number> {
  const { stdout } = await execFileAsync('id', [flag, SERVER_USER]);
  return Number(stdout.trim());
}

async function createUser(): Promise<void> {
  // --force: success when the group already exists (a machine that once had PostgreSQL installed).
  await execFileAsync('groupadd', ['--system', '--force', SERVER_USER]);
  await execFileAsync('useradd', ['--system', '--gid', SERVER_USER, '--no-create-home', SERVER_USER]);
}

/**
 * One line saying why a command failed: its `error:` line (initdb and pg_ctl follow it with hints), else its last
 * line, else why it could not run at all (`spawn … EACCES`, or ENOENT: no useradd on this system).
 */
export function commandFailure(error: unknown): string {
  const { stderr, message } = error as { stderr?: string; message?: string };
  const lines = (stderr ?? '').split('\n').map((line) => line.trim()).filter((line) => line !== '');
  return lines.find((line) => line.includes('error:')) ?? lines.at(-1) ?? message?.split('\n')[0] ?? String(error);
}

/**
 * The first folder on the way to `target` (itself included) that `owner` may not enter, or undefined when it can
 * walk all the way. Mode bits only, as the kernel applies them: owner bits for its uid, group bits for its primary
 * group (the server is started with no supplementary groups), else the others' bits.
 */
export async function firstClosedFolder(target: string, owner: Owner): Promise<string | undefined> {
  const folders: string[] = [];
  for (let current = path.resolve(target); ; current = path.dirname(current)) {
    folders.unshift(current);
    if (path.dirname(current) === current) break;
  }
  for (const folder of folders) {
    if (!mayEnter(await stat(folder), owner)) return folder;
  }
  return undefined;
}

function mayEnter(stats: Stats, owner: Owner): boolean {
  const shift = stats.uid === owner.uid ? 6 : stats.gid === owner.gid ? 3 : 0;
  return ((stats.mode >> shift) & 0o1) !== 0;
}

/** mkdir -p, and 0755 whatever the umask, so that the server's user can enter the folder we create for it. */
export async function makeOpenFolder(dir: string): Promise<void> {
  if ((await mkdir(dir, { recursive: true })) !== undefined) await chmod(dir, 0o755);
}
