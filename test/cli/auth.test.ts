import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../src/schwab/secret.js';
import { REFRESH_TOKEN_LIFETIME_MS, TokenStore } from '../../src/schwab/token-store.js';
import { runCli } from '../support/cli.js';

const ACCESS = 'I0.cli-access-token-text';
const REFRESH = 'R0.cli-refresh-token-text';
const HOUR = 3_600_000;

describe('auth commands without Schwab', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'auth-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const env = (tokenFile: string): NodeJS.ProcessEnv => ({
    SCHWAB_RECORDER_CONFIG: '', SCHWAB_TOKEN_FILE: tokenFile, SCHWAB_APP_KEY: '', SCHWAB_APP_SECRET: '',
  });

  async function writeTokens(file: string, refreshIssuedHoursAgo: number): Promise<void> {
    const now = Date.now();
    const issued = now - refreshIssuedHoursAgo * HOUR;
    await new TokenStore(file).write({
      accessToken: new Secret(ACCESS), refreshToken: new Secret(REFRESH), idToken: undefined, tokenType: 'Bearer', scope: 'api',
      accessTokenExpiresAt: now + 20 * 60_000, refreshTokenIssuedAt: issued, refreshTokenExpiresAt: issued + REFRESH_TOKEN_LIFETIME_MS, updatedAt: now,
    });
  }

  it('auth status exits 1 and says to run auth login when there are no tokens', async () => {
    const file = path.join(dir, 'none.json');
    const run = await runCli(['auth', 'status'], env(file));
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`error: no Schwab tokens in ${file}: run \`schwab-recorder auth login\` first\n`);
  });

  it('auth status shows both expiry times and the time left, never token text', async () => {
    const file = path.join(dir, 'fresh.json');
    await writeTokens(file, 1);
    const run = await runCli(['auth', 'status'], env(file));
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^access token expires:\s+\d{4}-\d\d-\d\dT[\d:.]+Z \((19|20)m \d+s\)$/m);
    expect(run.stdout).toMatch(/^refresh token expires:\s+\S+ \((5d 23h|6d 22h|6d 23h)\)$/m);
    expect(run.stdout).toMatch(/^refresh token issued:/m);
    expect(run.stdout).not.toContain('warning');
    expect(run.stdout + run.stderr).not.toContain(ACCESS);
    expect(run.stdout + run.stderr).not.toContain(REFRESH);
  });

  it('auth status warns when the refresh token is within the warning window', async () => {
    const file = path.join(dir, 'old.json');
    await writeTokens(file, 6 * 24);
    const run = await runCli(['auth', 'status'], env(file));
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^warning:\s+the refresh token is near its 7-day end: run `schwab-recorder auth login` before it ends$/m);
  });

  it.each([['login'], ['refresh']])('auth %s without app credentials exits 2 naming SCHWAB_APP_KEY and SCHWAB_APP_SECRET', async (command) => {
    const run = await runCli(['auth', command], env(path.join(dir, 'any.json')));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('schwab.appKey: not set: set SCHWAB_APP_KEY');
    expect(run.stderr).toContain('schwab.appSecret: not set: set SCHWAB_APP_SECRET');
  });
});
