import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/paths.js';
import { Secret } from '../../src/schwab/secret.js';
import { REFRESH_TOKEN_LIFETIME_MS, TokenStore } from '../../src/schwab/token-store.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { runCli, type CliResult } from '../support/cli.js';
import { freePort } from '../support/server.js';

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

/** The CLI as a child process with a pipe to its stdin; `onStdout` sees output as it arrives. */
function spawnCli(args: string[], env: NodeJS.ProcessEnv, input?: string, onStdout?: (text: string) => void): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: repoRoot, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      onStdout?.(stdout);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
    if (input !== undefined) child.stdin.end(input);
  });
}

describe('auth commands against the simulator', () => {
  let sim: Simulator;
  let dir: string;
  let configFile: string;
  const tokenFile = (): string => path.join(dir, 'tokens.json');
  const env = (): NodeJS.ProcessEnv => ({
    SCHWAB_RECORDER_CONFIG: configFile,
    SCHWAB_APP_KEY: sim.credentials.appKey,
    SCHWAB_APP_SECRET: sim.credentials.appSecret,
    SCHWAB_TOKEN_FILE: tokenFile(),
    SCHWAB_CALLBACK_URL: '',
  });

  beforeAll(async () => {
    sim = await startSimulator({ seed: 3, callbackUrl: `https://127.0.0.1:${await freePort()}` });
    dir = await mkdtemp(path.join(tmpdir(), 'auth-cli-sim-'));
    configFile = path.join(dir, 'config.json');
    await writeFile(configFile, JSON.stringify({ schwab: { apiBaseUrl: sim.baseUrl, callbackUrl: sim.credentials.callbackUrl } }));
  });
  afterAll(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function tokenTexts(): Promise<string[]> {
    const onDisk = JSON.parse(await readFile(tokenFile(), 'utf8')) as Record<string, string>;
    return [onDisk['accessToken']!, onDisk['refreshToken']!, onDisk['idToken']!];
  }

  it('auth login prints the authorize URL, reads the pasted redirect URL and stores the tokens', async () => {
    const run = await spawnCli(['auth', 'login'], env(), `${sim.authorizationRedirectUrl()}\n`);
    expect(run.stderr).not.toContain('error');
    expect(run.code).toBe(0);
    const url = new URL(/^ {2}(http\S+)$/m.exec(run.stdout)![1]!);
    expect(url.pathname).toBe('/v1/oauth/authorize');
    expect(url.searchParams.get('client_id')).toBe(sim.credentials.appKey);
    expect(url.searchParams.get('redirect_uri')).toBe(sim.credentials.callbackUrl);
    expect(run.stdout).toMatch(/^access token expires:\s+\S+ \((29m \d+s|30m)\)$/m);
    expect(run.stdout).toMatch(/^refresh token expires:\s+\S+ \(6d 23h\)$/m);
    expect((await stat(tokenFile())).mode & 0o777).toBe(0o600);
    for (const token of await tokenTexts()) expect(run.stdout + run.stderr).not.toContain(token);
  });

  it('auth login with nothing pasted is a usage error', async () => {
    const run = await spawnCli(['auth', 'login'], { ...env(), SCHWAB_TOKEN_FILE: path.join(dir, 'unused.json') }, '');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('nothing was pasted');
  });

  it('auth refresh replaces the access token and keeps the refresh token issue time', async () => {
    const before = JSON.parse(await readFile(tokenFile(), 'utf8')) as Record<string, string>;
    const run = await runCli(['auth', 'refresh'], env());
    expect(run.code).toBe(0);
    const after = JSON.parse(await readFile(tokenFile(), 'utf8')) as Record<string, string>;
    expect(after['accessToken']).not.toBe(before['accessToken']);
    expect(after['refreshTokenIssuedAt']).toBe(before['refreshTokenIssuedAt']);
    for (const token of [...await tokenTexts(), before['accessToken']!]) expect(run.stdout + run.stderr).not.toContain(token);
  });

  it('auth refresh with a refresh token Schwab rejects exits 1 saying to run auth login', async () => {
    sim.faults.expireRefreshTokens();
    const run = await runCli(['auth', 'refresh'], env());
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: Schwab rejected the refresh token \(HTTP 400: unsupported_token_type\).*run `schwab-recorder auth login`$/m);
  });

  /** The authorize URL `auth login` printed. */
  const printedUrl = (stdout: string): URL => new URL(/^ {2}(http\S+)$/m.exec(stdout)![1]!);

  /** What a browser does with the authorize URL: Schwab (the simulator) redirects it to the callback URL. */
  async function redirectOf(authorize: URL): Promise<string> {
    const response = await fetch(authorize, { redirect: 'manual' });
    return response.headers.get('location')!;
  }

  /** A browser's visit to the callback server (self-signed certificate accepted). */
  function visit(url: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      get(url, { rejectUnauthorized: false }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => { body += chunk.toString(); });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      }).on('error', reject);
    });
  }

  /** `auth login --listen`; once the callback server listens, `browser` plays the browser with the printed URL. */
  async function listenLogin(browser: (authorize: URL) => Promise<void>): Promise<CliResult> {
    let visiting: Promise<void> | undefined;
    const run = await spawnCli(['auth', 'login', '--listen', '--timeout', '30'], env(), undefined, (stdout) => {
      if (visiting === undefined && stdout.includes('Waiting for the browser')) visiting = browser(printedUrl(stdout));
    });
    await visiting;
    return run;
  }

  it('auth login --listen sends a random state, serves the callback URL over HTTPS and catches the code', async () => {
    let state: string | null = null;
    const run = await listenLogin(async (authorize) => {
      state = authorize.searchParams.get('state');
      expect((await visit(await redirectOf(authorize))).status).toBe(200);
    });
    expect(run.stderr).not.toContain('error');
    expect(run.code).toBe(0);
    expect(state).toMatch(/^[\w-]{22}$/);
    expect(run.stdout).toMatch(/^refresh token expires:\s+\S+ \(6d 23h\)$/m);
    const stored = await new TokenStore(tokenFile()).read();
    expect(Date.now() - stored!.refreshTokenIssuedAt).toBeLessThan(60_000);
  });

  it('auth login --listen answers a callback without its state, or with another, with an error page and ignores it', async () => {
    const refused: Array<{ status: number; body: string }> = [];
    const run = await listenLogin(async (authorize) => {
      // Valid codes: had the login used either, it would have ended there and the last visit found no server.
      refused.push(await visit(sim.authorizationRedirectUrl()));
      refused.push(await visit(`${sim.authorizationRedirectUrl()}&state=${'A'.repeat(22)}`));
      expect((await visit(await redirectOf(authorize))).status).toBe(200);
    });
    expect(run.code).toBe(0);
    expect(refused).toEqual(Array(2).fill({
      status: 400, body: 'This is not the login started in the terminal (its state is missing or wrong). Open the URL printed there.\n',
    }));
  });
});
