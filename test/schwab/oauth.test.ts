import { describe, expect, it } from 'vitest';
import { isRecorderError } from '../../src/errors.js';
import { authorizeUrl, codeFromRedirect, newOAuthState, oauthSettings, stateMatches } from '../../src/schwab/oauth.js';
import { loadConfig } from '../../src/config/load.js';

describe('OAuth helpers', () => {
  it('builds the authorize URL with client_id, redirect_uri and response_type=code', () => {
    const url = new URL(authorizeUrl({ apiBaseUrl: 'https://api.schwabapi.com/', appKey: 'KEY123', callbackUrl: 'https://127.0.0.1:8182' }));
    expect(`${url.origin}${url.pathname}`).toBe('https://api.schwabapi.com/v1/oauth/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: 'KEY123', redirect_uri: 'https://127.0.0.1:8182', response_type: 'code' });
  });

  it('adds a state when given one, a fresh random one per login, and matches only that state', () => {
    const state = newOAuthState();
    const url = new URL(authorizeUrl({ apiBaseUrl: 'https://api.schwabapi.com', appKey: 'KEY123', callbackUrl: 'https://127.0.0.1:8182' }, state));
    expect(url.searchParams.get('state')).toBe(state);
    expect(state).toMatch(/^[\w-]{22}$/);
    expect(newOAuthState()).not.toBe(state);
    expect([stateMatches(state, state), stateMatches(null, state), stateMatches('', state), stateMatches(`${state}x`, state)])
      .toEqual([true, false, false, false]);
  });

  it('takes the code from the pasted redirect URL and decodes it exactly once', () => {
    const pasted = 'https://127.0.0.1:8182/?code=C0.b2F1dGgy.Zm9v%40&session=abc-123';
    expect(codeFromRedirect(pasted)).toBe('C0.b2F1dGgy.Zm9v@');
    // A code whose decoded form still contains an escape stays escaped after the one decode.
    expect(codeFromRedirect('https://x/cb?code=A%2540B')).toBe('A%40B');
    expect(codeFromRedirect('https://x/cb?session=1&code=a+b')).toBe('a+b');
  });

  it('accepts the code alone, encoded or not, with surrounding whitespace', () => {
    expect(codeFromRedirect('  C0.abc%40\n')).toBe('C0.abc@');
    expect(codeFromRedirect('C0.abc@')).toBe('C0.abc@');
  });

  it('refuses input without a code as a usage error', () => {
    for (const input of ['', 'https://127.0.0.1:8182/?error=access_denied', 'not a code']) {
      expect(() => codeFromRedirect(input)).toThrow(expect.objectContaining({ code: 'USAGE' }) as Error);
    }
  });

  it('names SCHWAB_APP_KEY and SCHWAB_APP_SECRET when the app credentials are not configured', () => {
    const config = loadConfig({ env: {} });
    let error: unknown;
    try {
      oauthSettings(config.schwab);
    } catch (caught) {
      error = caught;
    }
    expect(isRecorderError(error, 'CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toContain('SCHWAB_APP_KEY');
    expect((error as Error).message).toContain('SCHWAB_APP_SECRET');
  });
});
