import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { StreamClient, loggedIn, streamerIds } from '../support/sim-client.js';

const FIELDS = '0,1,2,3,4,5,8,33';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('simulator faults', () => {
  let sim: Simulator;
  const clients: StreamClient[] = [];
  const login = async (): Promise<StreamClient> => {
    const { client } = await loggedIn(sim);
    clients.push(client);
    return client;
  };
  beforeEach(async () => {
    sim = await startSimulator({ seed: 41, updatesPerSecond: 200, heartbeatIntervalMs: 50 });
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await sim?.close();
  });

  it('dropSockets terminates every streamer socket without a close frame, and a new login works after', async () => {
    const client = await login();
    sim.faults.dropSockets();
    expect(await client.waitClosed()).toBe(1006);
    await client.waitFor(() => sim.stats.connections.current === 0);
    const again = await login();
    expect((await again.command('LEVELONE_EQUITIES', 'SUBS', { keys: 'AAPL', fields: FIELDS })).code).toBe(0);
  });

  it('silence stops heartbeats and data while the socket stays open, and both resume after', async () => {
    const client = await login();
    await client.command('LEVELONE_EQUITIES', 'SUBS', { keys: 'AAPL,MSFT', fields: FIELDS });
    await client.waitFor(() => client.items('LEVELONE_EQUITIES').length > 3);
    sim.faults.silence(true);
    await sleep(30);
    const frames = client.frames.length;
    await sleep(250);
    expect(client.frames.length).toBe(frames);
    expect(client.closeCode).toBeUndefined();
    expect((await client.command('LEVELONE_EQUITIES', 'ADD', { keys: 'NVDA', fields: FIELDS })).code).toBe(0);
    sim.faults.silence(false);
    await client.waitFor(() => client.frames.slice(frames).some((f) => Array.isArray(f['notify'])));
    await client.waitFor(() => client.frames.slice(frames).some((f) => Array.isArray(f['data'])));
  });

  it('sendInvalidJson sends one text frame that is not JSON to the logged-in client', async () => {
    const client = await login();
    const texts = client.texts.length;
    sim.faults.sendInvalidJson();
    const bad = await client.waitFor(() => client.texts.slice(texts).find((text) => {
      try {
        JSON.parse(text);
        return false;
      } catch {
        return true;
      }
    }));
    expect(bad).toContain('LEVELONE_EQUITIES');
  });

  it('unknownFields adds field 99 to level-one items and sends data of a service Schwab does not serve, unsubscribed', async () => {
    const client = await login();
    await client.command('LEVELONE_EQUITIES', 'SUBS', { keys: 'AAPL', fields: FIELDS });
    sim.faults.unknownFields(true);
    await client.waitFor(() => client.items('LEVELONE_EQUITIES').some((i) => '99' in i));
    // Every one of Schwab's 13 services is decoded now: the unsolicited data is of a TD Ameritrade service Schwab dropped.
    const unknown = await client.waitFor(() => client.items('TIMESALE_EQUITY')[0]);
    expect(unknown).toMatchObject({ key: 'AAPL', 99: 1 });
    expect(sim.stats.subscriptions['TIMESALE_EQUITY']).toBeUndefined();
    sim.faults.unknownFields(false);
    await sleep(30);
    const after = client.items('LEVELONE_EQUITIES').length;
    await client.waitFor(() => client.items('LEVELONE_EQUITIES').length > after + 2);
    expect(client.items('LEVELONE_EQUITIES').slice(after + 1).some((i) => '99' in i)).toBe(false);
  });

  it('denyLogins refuses the next LOGINs with code 3 and a close, then lets logins through', async () => {
    sim.faults.denyLogins(2);
    const tokens = sim.issueTokens();
    const ids = await streamerIds(sim, tokens);
    for (let i = 0; i < 2; i++) {
      const client = await StreamClient.connect(sim.wsUrl, ids);
      clients.push(client);
      expect(await client.login(tokens.access_token)).toEqual({ code: 3, msg: 'Login Denied.: token is invalid or has expired.' });
      await client.waitClosed();
    }
    const client = await StreamClient.connect(sim.wsUrl, ids);
    clients.push(client);
    expect((await client.login(tokens.access_token)).code).toBe(0);
    expect(sim.stats.logins).toEqual({ ok: 1, denied: 2 });
  });

  it('closeWithMaxConnections sends code 12 CLOSE_CONNECTION to the current client and closes it', async () => {
    const client = await login();
    sim.faults.closeWithMaxConnections();
    await client.waitClosed();
    expect(client.notifies().find((n) => n['service'] === 'ADMIN')).toMatchObject({ content: { code: 12 } });
  });

  it('expireAccessTokens makes the next LOGIN fail with code 3 while the open session goes on', async () => {
    const { client, tokens } = await loggedIn(sim);
    clients.push(client);
    sim.faults.expireAccessTokens();
    expect((await client.command('LEVELONE_EQUITIES', 'SUBS', { keys: 'AAPL', fields: FIELDS })).code).toBe(0);
    client.close();
    await client.waitFor(() => sim.stats.connections.current === 0);
    const next = await StreamClient.connect(sim.wsUrl, client.ids);
    clients.push(next);
    expect((await next.login(tokens.access_token)).code).toBe(3);
  });

  it('expireRefreshTokens makes the refresh grant fail with refresh_token_authentication_error', async () => {
    const tokens = sim.issueTokens();
    sim.faults.expireRefreshTokens();
    const response = await fetch(`${sim.baseUrl}/v1/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${sim.credentials.appKey}:${sim.credentials.appSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }).toString(),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; error_description: string };
    expect(body.error).toBe('unsupported_token_type');
    expect(body.error_description).toContain('refresh_token_authentication_error');
  });
});
