// TokenManager against the Schwab simulator's OAuth endpoints: logins, refreshes, the shared token file.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isRecorderError } from '../../src/errors.js';
import type { Logger } from '../../src/log/logger.js';
import { refreshTokenWarning, tokenExpiry, tokenRefreshes } from '../../src/metrics/registry.js';
import { OAuthClient } from '../../src/schwab/oauth.js';
import { TokenManager } from '../../src/schwab/token-manager.js';
import { REFRESH_TOKEN_LIFETIME_MS, TokenStore } from '../../src/schwab/token-store.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { bufferLogger } from '../support/capture.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

async function refreshCount(result: string): Promise<number> {
  return (await tokenRefreshes.get()).values.find((v) => v.labels.result === result)?.value ?? 0;
}

describe('TokenManager against the simulator', () => {
  let sim: Simulator;
  let dir: string;
  let file: string;
  const log = bufferLogger();
  /** Every token text seen in this file, checked against the log at the end. */
  const seen = new Set<string>();

  function manager(options: { now?: () => number; logger?: Logger } = {}): TokenManager {
    const logger = options.logger ?? log.logger;
    return new TokenManager({
      settings: { refreshLeewayMs: 2 * MINUTE, refreshTokenWarnDays: 2 },
      store: new TokenStore(file, { logger }),
      oauth: new OAuthClient({ apiBaseUrl: sim.baseUrl, ...sim.credentials, requestTimeoutMs: 5_000, maxRetries: 1 }, { logger }),
      logger,
      ...(options.now === undefined ? {} : { now: options.now }),
    });
  }

  async function remember(token: Promise<string> | string): Promise<string> {
    const text = await token;
    seen.add(text);
    return text;
  }

  beforeAll(async () => {
    sim = await startSimulator({ seed: 11 });
    dir = await mkdtemp(path.join(tmpdir(), 'token-manager-'));
  });
  afterAll(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });
  let case_ = 0;
  beforeEach(() => {
    case_ += 1;
    file = path.join(dir, `tokens-${case_}.json`);
  });

  it('logs in with the redirected URL, storing a 30-minute access token and a 7-day refresh token in a 0600 file', async () => {
    const auth = manager();
    const before = Date.now();
    const status = await auth.login(sim.authorizationRedirectUrl());
    expect(status.accessTokenExpiresAt - before).toBeGreaterThanOrEqual(30 * MINUTE);
    expect(status.accessTokenExpiresAt - Date.now()).toBeLessThanOrEqual(30 * MINUTE);
    expect(status.refreshTokenExpiresAt - status.refreshTokenIssuedAt).toBe(REFRESH_TOKEN_LIFETIME_MS);
    expect(status.refreshTokenExpiring).toBe(false);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await remember(auth.accessToken())).toMatch(/^I0\./);
    expect(await tokenExpiry.get()).toMatchObject({
      values: expect.arrayContaining([{ labels: { token: 'refresh' }, value: status.refreshTokenExpiresAt / 1000 }]) as unknown,
    });
  });

  it('logs in with the URL-encoded code alone', async () => {
    const auth = manager();
    await auth.login(sim.authorizationCode());
    await remember(auth.accessToken());
  });

  it('fails a login with a used code clearly', async () => {
    const redirect = sim.authorizationRedirectUrl();
    await manager().login(redirect);
    const error = await manager().login(redirect).catch((e: unknown) => e);
    expect(isRecorderError(error, 'AUTH_TOKEN_REQUEST_FAILED')).toBe(true);
    expect((error as Error).message).toContain('run `schwab-recorder auth login` again');
  });

  it('keeps refreshTokenIssuedAt and the refresh token end when it refreshes the access token', async () => {
    const auth = manager();
    const login = await auth.login(sim.authorizationRedirectUrl());
    const first = await remember(auth.accessToken());
    const before = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
    const second = await remember(auth.refreshNow('test'));
    const after = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
    expect(second).not.toBe(first);
    expect(after['refreshTokenIssuedAt']).toBe(before['refreshTokenIssuedAt']);
    expect(after['refreshTokenExpiresAt']).toBe(before['refreshTokenExpiresAt']);
    expect(Date.parse(after['refreshTokenIssuedAt']!)).toBe(login.refreshTokenIssuedAt);
    expect(after['accessToken']).toBe(second);
    expect(after['updatedAt']! >= before['updatedAt']!).toBe(true);
  });

  it('shares one refresh between concurrent callers of one process', async () => {
    const auth = manager();
    await auth.login(sim.authorizationRedirectUrl());
    const first = await remember(auth.accessToken());
    const successes = await refreshCount('success');
    const tokens = await Promise.all([auth.refreshNow('a', first), auth.refreshNow('b', first), auth.refreshNow('c'), auth.refreshNow('d')]);
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(first);
    expect(await refreshCount('success')).toBe(successes + 1);
    // A caller that reports the old token after the refresh gets the new one, no second refresh.
    expect(await auth.refreshNow('late', first)).toBe(tokens[0]);
    expect(await refreshCount('success')).toBe(successes + 1);
    await remember(tokens[0]!);
  });

  it('two TokenManagers on the same file refreshing at once make one refresh request', async () => {
    const one = manager();
    await one.login(sim.authorizationRedirectUrl());
    const two = manager();
    const original = await remember(two.accessToken());
    const successes = await refreshCount('success');
    const reused = await refreshCount('reused');
    const [a, b] = await Promise.all([one.refreshNow('401 in process one'), two.refreshNow('401 in process two')]);
    expect(a).toBe(b);
    expect(a).not.toBe(original);
    expect(await refreshCount('success')).toBe(successes + 1);
    expect(await refreshCount('reused')).toBe(reused + 1);
    await remember(a);
  });

  it('refreshes an access token near its expiry before handing it out', async () => {
    const auth = manager();
    await auth.login(sim.authorizationRedirectUrl());
    const fresh = await remember(auth.accessToken());
    // 29 minutes later one minute is left, less than the two-minute leeway.
    const later = manager({ now: () => Date.now() + 29 * MINUTE });
    const successes = await refreshCount('success');
    const renewed = await remember(later.accessToken());
    expect(renewed).not.toBe(fresh);
    expect(await refreshCount('success')).toBe(successes + 1);
    expect(await later.accessToken()).toBe(renewed);
  });

  it('reports an expired refresh token with AUTH_REFRESH_EXPIRED telling the user to run auth login', async () => {
    const auth = manager();
    await auth.login(sim.authorizationRedirectUrl());
    await remember(auth.accessToken());
    const stored = await new TokenStore(file).read();
    seen.add(stored!.refreshToken.reveal());
    sim.faults.expireRefreshTokens();
    const expired = await refreshCount('expired');
    const error = await auth.refreshNow('test').catch((e: unknown) => e);
    expect(isRecorderError(error, 'AUTH_REFRESH_EXPIRED')).toBe(true);
    expect((error as Error).message).toMatch(/^Schwab rejected the refresh token \(HTTP 400: unsupported_token_type\).*run `schwab-recorder auth login`$/);
    expect((error as Error).message).not.toContain(stored!.refreshToken.reveal().slice(0, 20));
    expect(await refreshCount('expired')).toBe(expired + 1);
    expect((await refreshTokenWarning.get()).values[0]?.value).toBe(1);
  });

  it('says there are no tokens with AUTH_NO_TOKENS', async () => {
    const error = await manager().accessToken().catch((e: unknown) => e);
    expect(isRecorderError(error, 'AUTH_NO_TOKENS')).toBe(true);
    expect((error as Error).message).toBe(`no Schwab tokens in ${file}: run \`schwab-recorder auth login\` first`);
  });

  it('warns within refreshTokenWarnDays of the refresh token end, at most once an hour, with the metric set', async () => {
    await manager().login(sim.authorizationRedirectUrl());
    let offset = 5.5 * DAY; // 1.5 days left: inside the 2-day window
    const own = bufferLogger('warn');
    const auth = manager({ now: () => Date.now() + offset, logger: own.logger });
    await remember(auth.accessToken());
    expect((await refreshTokenWarning.get()).values[0]?.value).toBe(1);
    await auth.accessToken();
    await auth.status();
    const warnings = (): string[] => own.text().split('\n').filter((line) => line.includes('a person must run `schwab-recorder auth login` again'));
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatch(/ends at \d{4}-\d\d-\d\dT.*\(in 1d 1[12]h\)/);
    offset += 61 * MINUTE;
    await auth.accessToken();
    expect(warnings()).toHaveLength(2);
    expect(own.text()).toContain('"level":40');
  });

  it('sets the warning metric back to 0 outside the window', async () => {
    const auth = manager();
    await auth.login(sim.authorizationRedirectUrl());
    await remember(auth.accessToken());
    expect((await refreshTokenWarning.get()).values[0]?.value).toBe(0);
  });

  it('never writes token text to a log line', () => {
    const text = log.text();
    expect(text).toContain('access token refreshed');
    expect(seen.size).toBeGreaterThan(5);
    for (const token of seen) expect(text).not.toContain(token);
  });
});
