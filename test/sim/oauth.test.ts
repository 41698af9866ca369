import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';

describe('simulator OAuth', () => {
  let sim: Simulator;
  beforeAll(async () => { sim = await startSimulator({ seed: 11 }); });
  afterAll(async () => { await sim?.close(); });

  const basic = (key = sim.credentials.appKey, secret = sim.credentials.appSecret): string =>
    `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;

  async function token(form: Record<string, string>, authorization = basic()): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${sim.baseUrl}/v1/oauth/token`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  const codeGrant = (code: string): Promise<{ status: number; body: Record<string, unknown> }> =>
    token({ grant_type: 'authorization_code', code, redirect_uri: sim.credentials.callbackUrl });

  it('redirects the authorize URL to the callback with a URL-encoded code ending in @', async () => {
    const { appKey, callbackUrl } = sim.credentials;
    const response = await fetch(
      `${sim.baseUrl}/v1/oauth/authorize?client_id=${appKey}&redirect_uri=${encodeURIComponent(callbackUrl)}&response_type=code`,
      { redirect: 'manual' },
    );
    expect(response.status).toBe(302);
    const location = response.headers.get('location') ?? '';
    expect(location.startsWith(`${callbackUrl}?code=`)).toBe(true);
    expect(location).toMatch(/code=[^&]+%40&session=[0-9a-f-]{36}$/);
    const code = new URL(location).searchParams.get('code') ?? '';
    expect(code.endsWith('@')).toBe(true);
    expect((await codeGrant(code)).status).toBe(200);
  });

  it('answers the authorization_code grant with exactly the token fields Schwab returns', async () => {
    const { status, body } = await codeGrant(decodeURIComponent(sim.authorizationCode()));
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(['expires_in', 'token_type', 'scope', 'refresh_token', 'access_token', 'id_token']);
    expect(body).toMatchObject({ expires_in: 1800, token_type: 'Bearer', scope: 'api' });
    expect(body['access_token']).not.toEqual(body['refresh_token']);
  });

  it('accepts a code only once', async () => {
    const code = decodeURIComponent(sim.authorizationCode());
    expect((await codeGrant(code)).status).toBe(200);
    const again = await codeGrant(code);
    expect(again.status).toBe(400);
    expect(again.body['error']).toBe('invalid_request');
  });

  it('refuses a code that is still URL-encoded, as Schwab does', async () => {
    expect((await codeGrant(sim.authorizationCode())).status).toBe(400);
  });

  it('refreshes with the same refresh token and a new access token', async () => {
    const login = (await codeGrant(decodeURIComponent(sim.authorizationCode()))).body;
    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: String(login['refresh_token']) });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body['refresh_token']).toBe(login['refresh_token']);
    expect(refreshed.body['access_token']).not.toBe(login['access_token']);
  });

  it('invalidates the previous refresh token when a new login happens', async () => {
    const first = (await codeGrant(decodeURIComponent(sim.authorizationCode()))).body;
    await codeGrant(decodeURIComponent(sim.authorizationCode()));
    const stale = await token({ grant_type: 'refresh_token', refresh_token: String(first['refresh_token']) });
    expect(stale.status).toBe(400);
    expect(stale.body['error']).toBe('unsupported_token_type');
    expect(String(stale.body['error_description'])).toContain('refresh_token_authentication_error');
  });

  it('returns 401 invalid_client for a wrong app secret', async () => {
    const { status, body } = await token({ grant_type: 'authorization_code', code: 'x', redirect_uri: sim.credentials.callbackUrl }, basic(undefined, 'wrong'));
    expect(status).toBe(401);
    expect(body).toEqual({ error: 'invalid_client', error_description: 'Unauthorized' });
  });

  it('lets refresh tokens age out after refreshTokenTtlSeconds without refreshing extending them', async () => {
    const short = await startSimulator({ seed: 12, refreshTokenTtlSeconds: 1 });
    try {
      const tokens = short.issueTokens();
      const refresh = (): Promise<Response> => fetch(`${short.baseUrl}/v1/oauth/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${short.credentials.appKey}:${short.credentials.appSecret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }).toString(),
      });
      expect((await refresh()).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await refresh()).status).toBe(400);
    } finally {
      await short.close();
    }
  });
});
