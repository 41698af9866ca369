// Schwab's OAuth: authorization codes (URL-encoded, ending in '@', valid ~30 s, single use), the token endpoint
// with HTTP Basic client authentication and both grants, and the failure bodies of real captures
// (schwab-protocol.md §1).
import { randomBytes, randomUUID } from 'node:crypto';

export interface OAuthOptions {
  appKey: string;
  appSecret: string;
  callbackUrl: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  codeTtlMs: number;
}

export interface HttpReply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

interface RefreshToken {
  expiresAt: number;
  revoked: boolean;
}

const b64url = (bytes: number): string => randomBytes(bytes).toString('base64url');

export class OAuthServer {
  private readonly codes = new Map<string, number>();
  private readonly accessTokens = new Map<string, number>();
  private readonly refreshTokens = new Map<string, RefreshToken>();

  constructor(private readonly options: OAuthOptions, private readonly now: () => number = Date.now) {}

  /** A fresh authorization code, raw (the redirect carries it URL-encoded). */
  issueCode(): string {
    const code = `C0.${b64url(24)}.${b64url(48)}@`;
    this.codes.set(code, this.now() + this.options.codeTtlMs);
    return code;
  }

  /**
   * The callback URL the browser lands on after login: `<callback>?code=<url-encoded>&session=<uuid>`, plus the
   * authorize request's `state`, echoed as OAuth requires, when it had one.
   */
  redirectUrl(code: string, state?: string): string {
    const separator = this.options.callbackUrl.includes('?') ? '&' : '?';
    const echo = state === undefined ? '' : `&state=${encodeURIComponent(state)}`;
    return `${this.options.callbackUrl}${separator}code=${encodeURIComponent(code)}&session=${randomUUID()}${echo}`;
  }

  /** GET /v1/oauth/authorize: the user "logs in" at once and is redirected with a code. */
  authorize(query: URLSearchParams): HttpReply {
    if (query.get('client_id') !== this.options.appKey) {
      return { status: 400, body: { error: 'invalid_client', error_description: 'Unknown client_id' } };
    }
    const redirect = query.get('redirect_uri');
    if (redirect !== null && redirect !== this.options.callbackUrl) {
      return { status: 400, body: { error: 'invalid_request', error_description: 'redirect_uri does not match the registered callback URL' } };
    }
    return { status: 302, headers: { location: this.redirectUrl(this.issueCode(), query.get('state') ?? undefined) } };
  }

  /** POST /v1/oauth/token. */
  token(authorization: string | undefined, form: URLSearchParams): HttpReply {
    const expected = `Basic ${Buffer.from(`${this.options.appKey}:${this.options.appSecret}`).toString('base64')}`;
    if (authorization !== expected) return { status: 401, body: { error: 'invalid_client', error_description: 'Unauthorized' } };
    const grant = form.get('grant_type');
    if (grant === 'authorization_code') return this.codeGrant(form);
    if (grant === 'refresh_token') return this.refreshGrant(form.get('refresh_token') ?? '');
    return { status: 400, body: { error: 'unsupported_grant_type', error_description: `Unsupported grant_type: ${grant ?? ''}` } };
  }

  private codeGrant(form: URLSearchParams): HttpReply {
    const code = form.get('code') ?? '';
    const expiresAt = this.codes.get(code);
    this.codes.delete(code);
    if (expiresAt === undefined || expiresAt < this.now()) {
      return { status: 400, body: { error: 'invalid_request', error_description: 'Bad authorization code: the code is invalid, expired or already used' } };
    }
    if (form.get('redirect_uri') !== this.options.callbackUrl) {
      return { status: 400, body: { error: 'invalid_request', error_description: 'redirect_uri does not match the registered callback URL' } };
    }
    // One refresh token per app and user: a new login invalidates the previous one (schwab-py#94).
    for (const token of this.refreshTokens.values()) token.revoked = true;
    const refreshToken = `${b64url(48)}@`;
    this.refreshTokens.set(refreshToken, { expiresAt: this.now() + this.options.refreshTokenTtlSeconds * 1000, revoked: false });
    return { status: 200, body: this.tokenBody(refreshToken) };
  }

  private refreshGrant(refreshToken: string): HttpReply {
    const stored = this.refreshTokens.get(refreshToken);
    if (stored === undefined || stored.revoked || stored.expiresAt <= this.now()) {
      const digest = Buffer.from(refreshToken.slice(0, 32)).toString('base64');
      const inner = JSON.stringify({
        error_description: `Exception while authenticating refresh token [tokenDigest=${digest}], Exception=Failed refresh token authentication [tokenDigest=${digest}]]`,
        error: 'refresh_token_authentication_error',
      });
      return { status: 400, body: { error: 'unsupported_token_type', error_description: `400 Bad Request: "${inner}"` } };
    }
    // Refreshing does not extend the refresh token: the same one comes back with its original expiry.
    return { status: 200, body: this.tokenBody(refreshToken) };
  }

  private tokenBody(refreshToken: string): Record<string, unknown> {
    const accessToken = `I0.${b64url(24)}.${b64url(48)}@`;
    const issuedAt = this.now();
    this.accessTokens.set(accessToken, issuedAt + this.options.accessTokenTtlSeconds * 1000);
    const idPayload = { sub: 'simulated-user', aud: this.options.appKey, iss: 'https://api.schwabapi.com', iat: Math.floor(issuedAt / 1000), exp: Math.floor(issuedAt / 1000) + this.options.accessTokenTtlSeconds };
    const idToken = [{ alg: 'RS256', typ: 'JWT' }, idPayload].map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.') + `.${b64url(64)}`;
    return {
      expires_in: this.options.accessTokenTtlSeconds,
      token_type: 'Bearer',
      scope: 'api',
      refresh_token: refreshToken,
      access_token: accessToken,
      id_token: idToken,
    };
  }

  isValidAccessToken(token: string): boolean {
    const expiresAt = this.accessTokens.get(token);
    return expiresAt !== undefined && expiresAt > this.now();
  }

  expireAccessTokens(): void {
    const past = this.now() - 1;
    for (const token of this.accessTokens.keys()) this.accessTokens.set(token, past);
  }

  expireRefreshTokens(): void {
    for (const token of this.refreshTokens.values()) token.revoked = true;
  }
}
