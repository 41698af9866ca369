// Hands out a valid access token to the REST client and the streamer, refreshing it before it ends and on demand
// (a 401, a streamer LOGIN denied). Every process shares one token file: refreshes happen under its lock after a
// re-read, so when another process refreshed first its tokens are used and Schwab sees one refresh, not two.
import type { Config } from '../config/schema.js';
import { RecorderError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { refreshTokenWarning, tokenExpiry, tokenRefreshes } from '../metrics/registry.js';
import { OAuthClient, codeFromRedirect, oauthSettings, type GrantedTokens } from './oauth.js';
import { REFRESH_TOKEN_LIFETIME_MS, TokenStore, type StoredTokens } from './token-store.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const WARN_LOG_INTERVAL_MS = 60 * 60 * 1000;

export type TokenManagerSettings = Pick<Config['schwab'], 'refreshLeewayMs' | 'refreshTokenWarnDays'>;

export interface TokenManagerOptions {
  settings: TokenManagerSettings;
  store: TokenStore;
  oauth: OAuthClient;
  logger: Logger;
  now?: () => number;
}

/** Expiry facts only: what `auth status` shows and what may be logged. Times in epoch ms. */
export interface TokenStatus {
  accessTokenExpiresAt: number;
  refreshTokenIssuedAt: number;
  refreshTokenExpiresAt: number;
  /** Within `refreshTokenWarnDays` of the refresh token's end (or past it): a person must run `auth login`. */
  refreshTokenExpiring: boolean;
}

export function tokenStatus(tokens: StoredTokens, now: number, warnDays: number): TokenStatus {
  return {
    accessTokenExpiresAt: tokens.accessTokenExpiresAt,
    refreshTokenIssuedAt: tokens.refreshTokenIssuedAt,
    refreshTokenExpiresAt: tokens.refreshTokenExpiresAt,
    refreshTokenExpiring: tokens.refreshTokenExpiresAt - now <= warnDays * DAY_MS,
  };
}

/** "6d 23h", "29m 12s", "expired 2h 5m ago". */
export function describeTimeLeft(until: number, now: number): string {
  const left = until - now;
  const text = formatDuration(Math.abs(left));
  return left >= 0 ? text : `expired ${text} ago`;
}

function formatDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const units: Array<[string, number]> = [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]];
  const parts: string[] = [];
  let rest = seconds;
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 || (parts.length === 0 && unit === 's')) parts.push(`${count}${unit}`);
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

export function noTokensError(file: string): RecorderError {
  return new RecorderError('AUTH_NO_TOKENS', `no Schwab tokens in ${file}: run \`schwab-recorder auth login\` first`);
}

export class TokenManager {
  readonly #settings: TokenManagerSettings;
  readonly #store: TokenStore;
  readonly #oauth: OAuthClient;
  readonly #logger: Logger;
  readonly #now: () => number;
  #tokens: StoredTokens | undefined;
  #inflight: Promise<string> | undefined;
  #lastWarnedAt: number | undefined;

  constructor(options: TokenManagerOptions) {
    this.#settings = options.settings;
    this.#store = options.store;
    this.#oauth = options.oauth;
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
  }

  /** The manager for the configured app and token file; throws a ConfigError naming SCHWAB_APP_KEY/SECRET if unset. */
  static fromConfig(schwab: Config['schwab'], logger: Logger): TokenManager {
    return new TokenManager({
      settings: schwab,
      store: new TokenStore(schwab.tokenFile, { logger }),
      oauth: new OAuthClient(oauthSettings(schwab), { logger }),
      logger,
    });
  }

  get tokenFile(): string {
    return this.#store.file;
  }

  authorizeUrl(): string {
    return this.#oauth.authorizeUrl();
  }

  /**
   * Exchanges the authorization code (or the redirected URL holding it) for a fresh token pair and stores it. This
   * starts a new 7-day refresh token, and Schwab invalidates the previous one.
   */
  async login(codeOrRedirectUrl: string): Promise<TokenStatus> {
    const code = codeFromRedirect(codeOrRedirectUrl);
    const granted = await this.#oauth.exchangeCode(code);
    if (granted.refreshToken === undefined) {
      throw new RecorderError('AUTH_TOKEN_REQUEST_FAILED', "Schwab's answer to the authorization code has no refresh_token");
    }
    const now = this.#now();
    const tokens: StoredTokens = {
      accessToken: granted.accessToken,
      refreshToken: granted.refreshToken,
      idToken: granted.idToken,
      tokenType: granted.tokenType,
      scope: granted.scope,
      accessTokenExpiresAt: now + granted.expiresInSeconds * 1000,
      refreshTokenIssuedAt: now,
      refreshTokenExpiresAt: now + REFRESH_TOKEN_LIFETIME_MS,
      updatedAt: now,
    };
    await this.#store.withLock(() => this.#store.write(tokens));
    this.#adopt(tokens);
    this.#lastWarnedAt = undefined;
    this.#logger.info({ accessTokenExpiresAt: iso(tokens.accessTokenExpiresAt), refreshTokenExpiresAt: iso(tokens.refreshTokenExpiresAt) },
      'logged in to Schwab; tokens stored');
    return this.#statusOf(tokens);
  }

  /** A valid access token, refreshed first when less than `refreshLeewayMs` is left. */
  async accessToken(): Promise<string> {
    const tokens = this.#tokens ?? (await this.#load());
    this.#watchRefreshToken(tokens);
    if (!this.#expiring(tokens)) return tokens.accessToken.reveal();
    return this.#singleFlight(() => this.#refreshLocked('access token expiring', undefined));
  }

  /**
   * Refreshes now: after a 401 or a streamer LOGIN denied. Concurrent callers share one refresh. Pass the token that
   * was refused: if this process already moved past it, the current token is returned without another refresh.
   */
  async refreshNow(reason: string, rejectedAccessToken?: string): Promise<string> {
    if (this.#inflight !== undefined) return this.#inflight;
    const current = this.#tokens ?? (await this.#load());
    if (rejectedAccessToken !== undefined && current.accessToken.reveal() !== rejectedAccessToken && !this.#expiring(current)) {
      return current.accessToken.reveal();
    }
    const rejected = rejectedAccessToken ?? current.accessToken.reveal();
    return this.#singleFlight(() => this.#refreshLocked(reason, rejected));
  }

  /** Expiry times read from the token file (never token text); undefined when there are no tokens. */
  async status(): Promise<TokenStatus | undefined> {
    const tokens = await this.#store.read();
    if (tokens === undefined) return undefined;
    this.#adopt(tokens);
    return this.#statusOf(tokens);
  }

  #singleFlight(run: () => Promise<string>): Promise<string> {
    this.#inflight ??= run().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #load(): Promise<StoredTokens> {
    const tokens = await this.#store.read();
    if (tokens === undefined) throw noTokensError(this.#store.file);
    this.#adopt(tokens);
    return tokens;
  }

  /**
   * Under the file lock: re-read, and use the file's access token if another process (or a new login) already
   * replaced the one known bad (`rejected`; undefined when ours is merely expiring). Otherwise refresh with the
   * file's refresh token and write the result.
   */
  async #refreshLocked(reason: string, rejected: string | undefined): Promise<string> {
    return this.#store.withLock(async () => {
      const onDisk = await this.#store.read();
      if (onDisk === undefined) throw noTokensError(this.#store.file);
      if (!this.#expiring(onDisk) && (rejected === undefined || onDisk.accessToken.reveal() !== rejected)) {
        this.#adopt(onDisk);
        tokenRefreshes.inc({ result: 'reused' });
        this.#logger.debug({ reason, accessTokenExpiresAt: iso(onDisk.accessTokenExpiresAt) }, 'using the access token another process refreshed');
        return onDisk.accessToken.reveal();
      }
      let granted: GrantedTokens;
      try {
        granted = await this.#oauth.refresh(onDisk.refreshToken);
      } catch (error) {
        this.#refreshFailed(error, onDisk);
        throw error;
      }
      const now = this.#now();
      const tokens: StoredTokens = {
        ...onDisk,
        accessToken: granted.accessToken,
        refreshToken: granted.refreshToken ?? onDisk.refreshToken,
        idToken: granted.idToken ?? onDisk.idToken,
        tokenType: granted.tokenType,
        scope: granted.scope ?? onDisk.scope,
        accessTokenExpiresAt: now + granted.expiresInSeconds * 1000,
        // Refreshing does not extend the refresh token: its issue time and end stay as the login set them.
        refreshTokenIssuedAt: onDisk.refreshTokenIssuedAt,
        refreshTokenExpiresAt: onDisk.refreshTokenExpiresAt,
        updatedAt: now,
      };
      await this.#store.write(tokens);
      this.#adopt(tokens);
      tokenRefreshes.inc({ result: 'success' });
      this.#logger.info({ reason, accessTokenExpiresAt: iso(tokens.accessTokenExpiresAt) }, 'access token refreshed');
      return tokens.accessToken.reveal();
    });
  }

  #refreshFailed(error: unknown, tokens: StoredTokens): void {
    const expired = error instanceof RecorderError && error.code === 'AUTH_REFRESH_EXPIRED';
    tokenRefreshes.inc({ result: expired ? 'expired' : 'failed' });
    if (expired) {
      refreshTokenWarning.set(1);
      this.#logger.error({ refreshTokenExpiresAt: iso(tokens.refreshTokenExpiresAt) },
        'Schwab rejected the refresh token: run `schwab-recorder auth login` to log in again');
    } else {
      this.#logger.warn({ err: error }, 'access token refresh failed');
    }
  }

  #expiring(tokens: StoredTokens): boolean {
    return tokens.accessTokenExpiresAt - this.#now() <= this.#settings.refreshLeewayMs;
  }

  #adopt(tokens: StoredTokens): void {
    this.#tokens = tokens;
    tokenExpiry.set({ token: 'access' }, tokens.accessTokenExpiresAt / 1000);
    tokenExpiry.set({ token: 'refresh' }, tokens.refreshTokenExpiresAt / 1000);
    this.#watchRefreshToken(tokens);
  }

  /** The metric always; the log line at most once an hour, so a week-long run warns for days without flooding. */
  #watchRefreshToken(tokens: StoredTokens): void {
    const now = this.#now();
    const { refreshTokenExpiring } = this.#statusOf(tokens);
    refreshTokenWarning.set(refreshTokenExpiring ? 1 : 0);
    if (!refreshTokenExpiring) return;
    if (this.#lastWarnedAt !== undefined && now - this.#lastWarnedAt < WARN_LOG_INTERVAL_MS) return;
    this.#lastWarnedAt = now;
    const ends = iso(tokens.refreshTokenExpiresAt);
    const message = tokens.refreshTokenExpiresAt > now
      ? `the Schwab refresh token ends at ${ends} (in ${describeTimeLeft(tokens.refreshTokenExpiresAt, now)}): before then a person must run \`schwab-recorder auth login\` again`
      : `the Schwab refresh token ended at ${ends}: a person must run \`schwab-recorder auth login\` again`;
    this.#logger.warn({ refreshTokenExpiresAt: ends }, message);
  }

  #statusOf(tokens: StoredTokens): TokenStatus {
    return tokenStatus(tokens, this.#now(), this.#settings.refreshTokenWarnDays);
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
