// Schwab's OAuth 2 endpoints (shared/schwab-protocol.md §1): the browser authorize URL, and the token endpoint for
// the authorization-code and refresh-token grants (form-encoded, HTTP Basic with the app key and secret).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { Config } from '../config/schema.js';
import { ConfigError, RecorderError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { failureKind, isRetryableStatus, networkErrorCode, parseRetryAfter } from './retry-policy.js';
import { Secret } from './secret.js';
import { Backoff } from './streamer/backoff.js';

export interface OAuthSettings {
  apiBaseUrl: string;
  appKey: string;
  appSecret: string;
  callbackUrl: string;
  requestTimeoutMs: number;
  /** Attempts after the first on 429, 5xx and network errors. */
  maxRetries: number;
}

/** A token endpoint answer. Token values are Secrets: they print as [redacted]. */
export interface GrantedTokens {
  accessToken: Secret;
  /** Schwab sends it back on refresh too (the same 7-day token). */
  refreshToken: Secret | undefined;
  idToken: Secret | undefined;
  expiresInSeconds: number;
  tokenType: string;
  scope: string | undefined;
}

const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  id_token: z.string().optional(),
  expires_in: z.number().positive(),
  token_type: z.string().optional(),
  scope: z.string().optional(),
});

/** The app credentials are required for anything that talks to the token endpoint; name the variables to set. */
export function oauthSettings(schwab: Config['schwab']): OAuthSettings {
  const problems = [
    schwab.appKey === null ? { path: 'schwab.appKey', message: 'not set: set SCHWAB_APP_KEY to the app key of your Schwab developer app' } : undefined,
    schwab.appSecret === null ? { path: 'schwab.appSecret', message: 'not set: set SCHWAB_APP_SECRET to the app secret of your Schwab developer app' } : undefined,
  ].filter((problem) => problem !== undefined);
  if (schwab.appKey === null || schwab.appSecret === null) throw new ConfigError(problems);
  return { ...schwab, appKey: schwab.appKey, appSecret: schwab.appSecret };
}

/**
 * Where the user logs in; Schwab then redirects the browser to the callback URL with `?code=...`, and with the
 * `state` given here echoed back (RFC 6749 §4.1.1), so a callback server can tell its own login's redirect apart.
 */
export function authorizeUrl(settings: Pick<OAuthSettings, 'apiBaseUrl' | 'appKey' | 'callbackUrl'>, state?: string): string {
  const query = new URLSearchParams({ client_id: settings.appKey, redirect_uri: settings.callbackUrl, response_type: 'code' });
  if (state !== undefined) query.set('state', state);
  return `${apiUrl(settings.apiBaseUrl, '/v1/oauth/authorize')}?${query.toString()}`;
}

/** A fresh `state` for one login: 128 random bits, URL-safe. */
export function newOAuthState(): string {
  return randomBytes(16).toString('base64url');
}

/** Whether a callback carries the login's own `state` (compared in constant time: it is a one-login secret). */
export function stateMatches(received: string | null, expected: string): boolean {
  if (received === null) return false;
  const a = Buffer.from(received);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The authorization code from what the user pasted: the whole redirected URL or the code alone. The code arrives
 * URL-encoded (`...%40`); it is decoded exactly once. Read from the raw query, not URLSearchParams, which would also
 * turn '+' into a space.
 */
export function codeFromRedirect(input: string): string {
  const text = input.trim();
  const raw = /[?&]code=([^&#\s]*)/.exec(text)?.[1] ?? (/^[^\s?&=#/]+$/.test(text) && !text.includes('://') ? text : undefined);
  if (raw === undefined || raw === '') {
    throw new RecorderError('USAGE', 'no authorization code found: paste the whole URL the browser was sent to (it contains ?code=...) or just the code');
  }
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export interface OAuthClientOptions {
  logger?: Logger;
  /** Retry delays for transient token-endpoint failures. */
  backoff?: { initialDelayMs: number; maxDelayMs: number };
}

export class OAuthClient {
  readonly #settings: OAuthSettings;
  readonly #logger: Logger | undefined;
  readonly #backoff: { initialDelayMs: number; maxDelayMs: number };

  constructor(settings: OAuthSettings, options: OAuthClientOptions = {}) {
    this.#settings = settings;
    this.#logger = options.logger;
    this.#backoff = options.backoff ?? { initialDelayMs: 500, maxDelayMs: 10_000 };
  }

  authorizeUrl(): string {
    return authorizeUrl(this.#settings);
  }

  async exchangeCode(code: string): Promise<GrantedTokens> {
    const response = await this.#post('authorization_code', { grant_type: 'authorization_code', code, redirect_uri: this.#settings.callbackUrl });
    if (response.ok) return this.#granted(response.body, 'authorization_code');
    if (response.status === 401) {
      throw new RecorderError('AUTH_TOKEN_REQUEST_FAILED',
        `Schwab rejected the app credentials (HTTP 401${describeOAuthError(response.body)}): check SCHWAB_APP_KEY and SCHWAB_APP_SECRET against the app on the developer portal`);
    }
    throw new RecorderError('AUTH_TOKEN_REQUEST_FAILED',
      `Schwab refused the authorization code (HTTP ${response.status}${describeOAuthError(response.body)}): a code is valid for about 30 seconds and only once; run \`schwab-recorder auth login\` again and paste the redirected URL right away`);
  }

  async refresh(refreshToken: Secret): Promise<GrantedTokens> {
    const response = await this.#post('refresh_token', { grant_type: 'refresh_token', refresh_token: refreshToken.reveal() });
    if (response.ok) return this.#granted(response.body, 'refresh_token');
    if (response.status === 400 || response.status === 401) {
      throw new RecorderError('AUTH_REFRESH_EXPIRED',
        `Schwab rejected the refresh token (HTTP ${response.status}${describeOAuthError(response.body)}): it lasts 7 days from the browser login and a newer login elsewhere replaces it; run \`schwab-recorder auth login\``);
    }
    throw new RecorderError('AUTH_TOKEN_REQUEST_FAILED', `Schwab's token endpoint answered HTTP ${response.status}${describeOAuthError(response.body)} to a refresh`);
  }

  /** POSTs one grant, retrying 429/5xx/network failures. The form body carries secrets: it is never logged. */
  async #post(grant: string, form: Record<string, string>): Promise<{ ok: boolean; status: number; body: unknown }> {
    const url = apiUrl(this.#settings.apiBaseUrl, '/v1/oauth/token');
    const basic = Buffer.from(`${this.#settings.appKey}:${this.#settings.appSecret}`).toString('base64');
    const backoff = new Backoff(this.#backoff);
    for (let attempt = 0; ; attempt += 1) {
      const retriesLeft = attempt < this.#settings.maxRetries;
      let response: Response;
      let text: string;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
          body: new URLSearchParams(form).toString(),
          signal: AbortSignal.timeout(this.#settings.requestTimeoutMs),
        });
        text = await response.text();
      } catch (error) {
        const kind = failureKind(error);
        const what = kind === 'timeout' ? `no answer within ${this.#settings.requestTimeoutMs} ms` : `network error ${networkErrorCode(error)}`;
        if (!retriesLeft) throw new RecorderError('AUTH_TOKEN_REQUEST_FAILED', `Schwab's token endpoint (${grant} grant) failed: ${what}`);
        const delayMs = backoff.next();
        this.#logger?.warn({ grant, reason: kind, attempt: attempt + 1, delayMs }, 'token request failed; retrying');
        await sleep(delayMs);
        continue;
      }
      const body = parseJson(text);
      if (isRetryableStatus(response.status) && retriesLeft) {
        const delayMs = parseRetryAfter(response.headers.get('retry-after')) ?? backoff.next();
        this.#logger?.warn({ grant, status: response.status, attempt: attempt + 1, delayMs }, 'token request failed; retrying');
        await sleep(delayMs);
        continue;
      }
      return { ok: response.ok, status: response.status, body };
    }
  }

  #granted(body: unknown, grant: string): GrantedTokens {
    const parsed = tokenResponseSchema.safeParse(body);
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(body)'))];
      throw new RecorderError('AUTH_TOKEN_REQUEST_FAILED', `Schwab's token response to the ${grant} grant lacks or mistypes ${fields.join(', ')}`);
    }
    const data = parsed.data;
    return {
      accessToken: new Secret(data.access_token),
      refreshToken: data.refresh_token === undefined ? undefined : new Secret(data.refresh_token),
      idToken: data.id_token === undefined ? undefined : new Secret(data.id_token),
      expiresInSeconds: data.expires_in,
      tokenType: data.token_type ?? 'Bearer',
      scope: data.scope,
    };
  }
}

/** `https://api.schwabapi.com` + `/v1/oauth/token`, tolerating a trailing slash or a path prefix on the base. */
export function apiUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${path}`;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * `: unsupported_token_type (refresh_token_authentication_error)`. Only OAuth error codes and short plain texts are
 * quoted: an HTML gateway page or anything token-like stays out of the message.
 */
function describeOAuthError(body: unknown): string {
  if (typeof body !== 'object' || body === null) return typeof body === 'string' && body.trim() !== '' ? ': a non-JSON body' : '';
  const { error, error_description: description } = body as { error?: unknown; error_description?: unknown };
  const parts: string[] = [];
  if (typeof error === 'string' && /^[\w.-]{1,80}$/.test(error)) parts.push(error);
  if (typeof description === 'string' && description.length <= 200 && /^[\w .,:;'()/-]*$/.test(description)
    && !description.split(/\s+/).some((word) => word.length > 40)) {
    parts.push(`(${description})`);
  }
  return parts.length === 0 ? '' : `: ${parts.join(' ')}`;
}
