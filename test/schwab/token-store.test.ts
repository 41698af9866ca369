import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRecorderError } from '../../src/errors.js';
import { Secret } from '../../src/schwab/secret.js';
import { REFRESH_TOKEN_LIFETIME_MS, TokenStore, type StoredTokens } from '../../src/schwab/token-store.js';

const ACCESS = 'I0.access-token-text-that-must-never-print';
const REFRESH = 'R0.refresh-token-text-that-must-never-print';

function tokens(n = 0): StoredTokens {
  const issued = Date.parse('2026-11-20T14:00:00.000Z');
  return {
    accessToken: new Secret(`${ACCESS}-${n}`),
    refreshToken: new Secret(REFRESH),
    idToken: undefined,
    tokenType: 'Bearer',
    scope: 'api',
    accessTokenExpiresAt: issued + 1_800_000 + n,
    refreshTokenIssuedAt: issued,
    refreshTokenExpiresAt: issued + REFRESH_TOKEN_LIFETIME_MS,
    updatedAt: issued + n,
  };
}

describe('TokenStore', () => {
  let dir: string;
  let store: TokenStore;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'token-store-'));
    store = new TokenStore(path.join(dir, 'nested', 'tokens.json'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads nothing before the first write', async () => {
    expect(await store.read()).toBeUndefined();
  });

  it('writes the file with mode 0600, creating its directory, and reads back what it wrote', async () => {
    await store.write(tokens());
    expect((await stat(store.file)).mode & 0o777).toBe(0o600);
    const back = await store.read();
    expect(back?.accessToken.reveal()).toBe(`${ACCESS}-0`);
    expect(back?.refreshToken.reveal()).toBe(REFRESH);
    expect(back?.refreshTokenExpiresAt).toBe(tokens().refreshTokenExpiresAt);
    const onDisk = JSON.parse(await readFile(store.file, 'utf8')) as Record<string, unknown>;
    expect(onDisk).toMatchObject({ refreshTokenIssuedAt: '2026-11-20T14:00:00.000Z', refreshTokenExpiresAt: '2026-11-27T14:00:00.000Z' });
  });

  it('keeps 0600 when it replaces a file that was more open', async () => {
    await store.write(tokens());
    await writeFile(store.file, '{}', { mode: 0o644 });
    await store.write(tokens(1));
    expect((await stat(store.file)).mode & 0o777).toBe(0o600);
  });

  it('replaces the file atomically: a concurrent reader never sees a partial file, and no temp file is left', async () => {
    await store.write(tokens());
    let writing = true;
    let reads = 0;
    const reader = (async () => {
      while (writing) {
        const read = await store.read(); // throws TOKEN_FILE_INVALID on a partial file
        expect(read?.refreshToken.reveal()).toBe(REFRESH);
        reads += 1;
      }
    })();
    for (let n = 1; n <= 150; n += 1) await store.write(tokens(n));
    writing = false;
    await reader;
    expect(reads).toBeGreaterThan(10);
    expect(await readdir(path.dirname(store.file))).toEqual(['tokens.json']);
    expect((await store.read())?.accessToken.reveal()).toBe(`${ACCESS}-150`);
  });

  it('reports a damaged file with TOKEN_FILE_INVALID naming fields, never their values', async () => {
    await store.write(tokens());
    const onDisk = JSON.parse(await readFile(store.file, 'utf8')) as Record<string, unknown>;
    await writeFile(store.file, JSON.stringify({ ...onDisk, accessTokenExpiresAt: ACCESS }));
    const error = await store.read().catch((e: unknown) => e);
    expect(isRecorderError(error, 'TOKEN_FILE_INVALID')).toBe(true);
    expect((error as Error).message).toContain('accessTokenExpiresAt');
    expect((error as Error).message).toContain('auth login');
    expect((error as Error).message).not.toContain(ACCESS);

    await writeFile(store.file, `{"accessToken":"${ACCESS}"`);
    const truncated = await store.read().catch((e: unknown) => e as Error);
    expect(truncated).toBeInstanceOf(Error);
    expect((truncated as Error).message).not.toContain(ACCESS);
  });

  it('serializes lock holders, also across two stores on the same file', async () => {
    const other = new TokenStore(store.file);
    const events: string[] = [];
    const hold = (name: string, s: TokenStore) => s.withLock(async () => {
      events.push(`${name} in`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      events.push(`${name} out`);
    });
    await Promise.all([hold('a', store), hold('b', other)]);
    const first = events[0]!.split(' ')[0]!;
    const second = first === 'a' ? 'b' : 'a';
    expect(events).toEqual([`${first} in`, `${first} out`, `${second} in`, `${second} out`]);
    await expect(stat(store.lockFile)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('stored tokens print, stringify and inspect without token text', async () => {
    await store.write(tokens());
    const read = await store.read();
    for (const text of [JSON.stringify(read), inspect(read, { depth: 5 }), String(read?.accessToken), `${read?.refreshToken}`]) {
      expect(text).not.toContain(ACCESS);
      expect(text).not.toContain(REFRESH);
    }
    expect(JSON.stringify(read)).toContain('[redacted]');
  });
});
