// The one token file every recorder process shares (a new browser login invalidates older tokens, so two processes
// with their own copies would log each other out). Writes are atomic and 0600; refreshes happen under a lock.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { z } from 'zod';
import { RecorderError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { Secret } from './secret.js';

/** Schwab's refresh token ends 7 days after the browser login; refreshing the access token does not extend it. */
export const REFRESH_TOKEN_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

const FORMAT = 'schwab-recorder-tokens/1';

/** Times are epoch milliseconds. */
export interface StoredTokens {
  accessToken: Secret;
  refreshToken: Secret;
  idToken: Secret | undefined;
  tokenType: string;
  scope: string | undefined;
  accessTokenExpiresAt: number;
  refreshTokenIssuedAt: number;
  refreshTokenExpiresAt: number;
  updatedAt: number;
}

const isoTime = z.iso.datetime({ offset: true });

const fileSchema = z.object({
  format: z.literal(FORMAT),
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  idToken: z.string().optional(),
  tokenType: z.string(),
  scope: z.string().optional(),
  accessTokenExpiresAt: isoTime,
  refreshTokenIssuedAt: isoTime,
  refreshTokenExpiresAt: isoTime,
  updatedAt: isoTime,
});

export interface TokenStoreOptions {
  logger?: Logger;
  /** How long to wait for another process's lock before giving up. */
  lockWaitMs?: number;
}

export class TokenStore {
  readonly file: string;
  readonly lockFile: string;
  readonly #logger: Logger | undefined;
  readonly #lockWaitMs: number;

  constructor(file: string, options: TokenStoreOptions = {}) {
    this.file = path.resolve(file);
    this.lockFile = `${this.file}.lock`;
    this.#logger = options.logger;
    this.#lockWaitMs = options.lockWaitMs ?? 120_000;
  }

  /** The stored tokens, or undefined when there is no token file yet. */
  async read(): Promise<StoredTokens | undefined> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new RecorderError('TOKEN_FILE_INVALID', `cannot read the token file ${this.file} (${errnoCode(error)})`);
    }
    return parseTokenFile(text, this.file);
  }

  /** Replaces the file atomically: a reader sees the old or the new content, never a part. Mode 0600. */
  async write(tokens: StoredTokens): Promise<void> {
    const dir = path.dirname(this.file);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const temp = path.join(dir, `.${path.basename(this.file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.chmod(0o600);
      await handle.writeFile(`${JSON.stringify(serialize(tokens), null, 2)}\n`, 'utf8');
      await handle.sync();
    } catch (error) {
      await handle.close();
      await rm(temp, { force: true });
      throw error;
    }
    await handle.close();
    try {
      await rename(temp, this.file);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    await syncDirectory(dir);
  }

  /**
   * Runs `body` holding the exclusive inter-process lock of this token file (a lock directory next to it, kept
   * fresh while held and taken over when its holder died). Re-read the file inside: another process may have
   * refreshed while this one waited.
   */
  async withLock<T>(body: () => Promise<T>): Promise<T> {
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(this.file, {
        realpath: false,
        lockfilePath: this.lockFile,
        stale: 10_000,
        retries: { retries: Math.ceil(this.#lockWaitMs / 250), factor: 1.2, minTimeout: 10, maxTimeout: 250 },
        onCompromised: (error) => this.#logger?.error({ err: error, lockFile: this.lockFile }, 'token file lock was taken over while held'),
      });
    } catch (error) {
      throw new RecorderError('TOKEN_FILE_INVALID',
        `could not lock ${this.lockFile} (${errnoCode(error)}): another process holds it; remove it if no recorder is running`);
    }
    try {
      return await body();
    } finally {
      await release().catch((error: unknown) => this.#logger?.warn({ err: error }, 'releasing the token file lock failed'));
    }
  }
}

/** What goes on disk: the only place token text is revealed besides the HTTP requests that carry it. */
function serialize(tokens: StoredTokens): z.infer<typeof fileSchema> {
  const iso = (ms: number): string => new Date(ms).toISOString();
  return {
    format: FORMAT,
    accessToken: tokens.accessToken.reveal(),
    refreshToken: tokens.refreshToken.reveal(),
    ...(tokens.idToken === undefined ? {} : { idToken: tokens.idToken.reveal() }),
    tokenType: tokens.tokenType,
    ...(tokens.scope === undefined ? {} : { scope: tokens.scope }),
    accessTokenExpiresAt: iso(tokens.accessTokenExpiresAt),
    refreshTokenIssuedAt: iso(tokens.refreshTokenIssuedAt),
    refreshTokenExpiresAt: iso(tokens.refreshTokenExpiresAt),
    updatedAt: iso(tokens.updatedAt),
  };
}

/** Problems name fields, never values (the values are tokens), and JSON.parse's message is not used: it quotes text. */
function parseTokenFile(text: string, file: string): StoredTokens {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalidFile(file, 'not valid JSON');
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(top level)'))];
    throw invalidFile(file, `bad or missing ${fields.join(', ')}`);
  }
  const data = parsed.data;
  return {
    accessToken: new Secret(data.accessToken),
    refreshToken: new Secret(data.refreshToken),
    idToken: data.idToken === undefined ? undefined : new Secret(data.idToken),
    tokenType: data.tokenType,
    scope: data.scope,
    accessTokenExpiresAt: Date.parse(data.accessTokenExpiresAt),
    refreshTokenIssuedAt: Date.parse(data.refreshTokenIssuedAt),
    refreshTokenExpiresAt: Date.parse(data.refreshTokenExpiresAt),
    updatedAt: Date.parse(data.updatedAt),
  };
}

function invalidFile(file: string, reason: string): RecorderError {
  return new RecorderError('TOKEN_FILE_INVALID',
    `the token file ${file} is not usable (${reason}): run \`schwab-recorder auth login\` to write it again`);
}

function errnoCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? 'failed';
}

/** Makes the rename durable. Not every platform can open a directory for fsync; that is not worth failing for. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort
  }
}
