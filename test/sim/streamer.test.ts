import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StreamDecoder } from '../../src/decode/stream-decoder.js';
import { CHART_EQUITY } from '../../src/schwab/fields.js';
import { parseOcc, startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/index.js';
import { StreamClient, loggedIn, streamerIds, type Frame } from '../support/sim-client.js';

const EQUITY_FIELDS = '0,1,2,3,4,5,8,10,11,12,33,34';
const ALL_EQUITY_FIELDS = Array.from({ length: 52 }, (_, i) => i).join(',');
const ALL_OPTION_FIELDS = Array.from({ length: 56 }, (_, i) => i).join(',');

describe('simulator streamer', () => {
  let sim: Simulator;
  const clients: StreamClient[] = [];
  const start = async (options: SimulatorOptions = {}): Promise<Simulator> => {
    sim = await startSimulator({ seed: 31, updatesPerSecond: 200, heartbeatIntervalMs: 200, chartBarIntervalMs: 100, ...options });
    return sim;
  };
  const login = async (): Promise<StreamClient> => {
    const { client } = await loggedIn(sim);
    clients.push(client);
    return client;
  };
  beforeEach(async () => { await start(); });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await sim?.close();
  });

  it('answers a SUBS sent before the LOGIN response with code 20, and LOGIN with server=...;status=NP', async () => {
    const tokens = sim.issueTokens();
    const client = await StreamClient.connect(sim.wsUrl, await streamerIds(sim, tokens));
    clients.push(client);
    // Batched with the LOGIN, the SUBS does not wait for the LOGIN response: Schwab refuses it.
    client.send(
      client.request('ADMIN', 'LOGIN', { Authorization: tokens.access_token, SchwabClientChannel: 'N9', SchwabClientFunctionId: 'APIAPP' }),
      client.request('LEVELONE_EQUITIES', 'SUBS', { keys: 'AAPL', fields: EQUITY_FIELDS }),
    );
    const subs = await client.waitFor(() => client.responses().find((r) => r['command'] === 'SUBS'));
    expect(subs['content']).toMatchObject({ code: 20 });
    const login = await client.waitFor(() => client.responses().find((r) => r['command'] === 'LOGIN'));
    expect(login).toMatchObject({ service: 'ADMIN', requestid: '0', SchwabClientCorrelId: client.ids.correlId });
    expect((login['content'] as { msg: string }).msg).toMatch(/^server=[\w-]+;status=NP$/);
    expect(typeof login['timestamp']).toBe('number');
    await client.waitFor(() => client.notifies().find((n) => typeof n['heartbeat'] === 'string'));
    expect(client.notifies()[0]?.['heartbeat']).toMatch(/^\d{13}$/);
    expect((await client.command('LEVELONE_EQUITIES', 'SUBS', { keys: 'AAPL', fields: EQUITY_FIELDS })).code).toBe(0);
  });

  it('accepts a single bare request as well as the requests array', async () => {
    const tokens = sim.issueTokens();
    const client = await StreamClient.connect(sim.wsUrl, await streamerIds(sim, tokens));
    clients.push(client);
    client.ws.send(JSON.stringify(client.request('ADMIN', 'LOGIN', { Authorization: tokens.access_token, SchwabClientChannel: 'N9', SchwabClientFunctionId: 'APIAPP' })));
    const login = await client.waitFor(() => client.responses().find((r) => r['command'] === 'LOGIN'));
    expect(login['content']).toMatchObject({ code: 0 });
  });

  it('denies a LOGIN with an unknown token with code 3 and closes the socket', async () => {
    const client = await StreamClient.connect(sim.wsUrl, await streamerIds(sim, sim.issueTokens()));
    clients.push(client);
    expect(await client.login('I0.not-a-token@')).toEqual({ code: 3, msg: 'Login Denied.: token is invalid or has expired.' });
    await client.waitClosed();
    expect(sim.stats.logins).toEqual({ ok: 0, denied: 1 });
  });

  it('refuses a second logged-in connection with code 12 and keeps the first one', async () => {
    const first = await login();
    const tokens = sim.issueTokens();
    const second = await StreamClient.connect(sim.wsUrl, await streamerIds(sim, tokens));
    clients.push(second);
    expect((await second.login(tokens.access_token)).code).toBe(12);
    await second.waitClosed();
    expect((await first.command('LEVELONE_EQUITIES', 'SUBS', { keys: 'MSFT', fields: EQUITY_FIELDS })).code).toBe(0);
    expect(sim.stats.connections).toEqual({ current: 1, total: 2 });
  });

  it('refuses fields that are not in ascending order with a failed-command code', async () => {
    const client = await login();
    expect((await client.command('LEVELONE_EQUITIES', 'SUBS', { keys: 'AAPL', fields: '0,3,1' })).code).toBe(22);
    expect((await client.command('LEVELONE_EQUITIES', 'ADD', { keys: 'AAPL', fields: '0,1,1' })).code).toBe(24);
    expect(sim.stats.subscriptions).toEqual({});
  });

  it('replaces keys on SUBS, appends on ADD, removes on UNSUBS, and changes fields on VIEW', async () => {
    const client = await login();
    await client.command('LEVELONE_EQUITIES', 'SUBS', { keys: 'AAPL,MSFT', fields: EQUITY_FIELDS });
    expect(sim.stats.subscriptions['LEVELONE_EQUITIES']).toEqual(new Set(['AAPL', 'MSFT']));
    await client.command('LEVELONE_EQUITIES', 'SUBS', { keys: 'NVDA', fields: EQUITY_FIELDS });
    expect(sim.stats.subscriptions['LEVELONE_EQUITIES']).toEqual(new Set(['NVDA']));
    expect((await client.command('LEVELONE_EQUITIES', 'ADD', { keys: 'AMD,NVDA', fields: EQUITY_FIELDS })).code).toBe(0);
    expect(sim.stats.subscriptions['LEVELONE_EQUITIES']).toEqual(new Set(['NVDA', 'AMD']));
    expect((await client.command('LEVELONE_EQUITIES', 'UNSUBS', { keys: 'NVDA' })).code).toBe(0);
    expect(sim.stats.subscriptions['LEVELONE_EQUITIES']).toEqual(new Set(['AMD']));
    expect((await client.command('LEVELONE_EQUITIES', 'VIEW', { fields: '0,1,2' })).code).toBe(0);
    // Everything after the VIEW response carries the new fields only, starting with the re-sent values.
    const viewAt = client.frames.findIndex((f) => (f['response'] as Array<Record<string, unknown>> | undefined)?.[0]?.['command'] === 'VIEW');
    const afterView = (): Record<string, unknown>[] => client.frames.slice(viewAt + 1)
      .flatMap((f) => (Array.isArray(f['data']) ? (f['data'] as Array<{ content: Record<string, unknown>[] }>) : []))
      .flatMap((block) => block.content).filter((item) => item['key'] === 'AMD');
    const [viewed] = await client.waitFor(() => afterView().length >= 3 && afterView());
    expect(viewed).toHaveProperty('1');
    expect(viewed).toHaveProperty('2');
    for (const item of afterView()) expect(Object.keys(item).filter((k) => /^\d+$/.test(k)).every((k) => ['1', '2'].includes(k))).toBe(true);
    const commands = sim.stats.commands.filter((c) => c.service === 'LEVELONE_EQUITIES').map((c) => [c.command, c.keys, c.code]);
    expect(commands).toEqual([
      ['SUBS', ['AAPL', 'MSFT'], 0], ['SUBS', ['NVDA'], 0], ['ADD', ['AMD'], 0], ['UNSUBS', ['NVDA'], 0], ['VIEW', [], 0],
    ]);
  });

  it('sends a full snapshot with metadata as the first item per key, then only changed fields', async () => {
    const client = await login();
    await client.command('LEVELONE_EQUITIES', 'SUBS', { keys: 'AAPL,SPY', fields: ALL_EQUITY_FIELDS });
    await client.waitFor(() => client.items('LEVELONE_EQUITIES').filter((i) => i['key'] === 'AAPL').length >= 6);
    const items = client.items('LEVELONE_EQUITIES').filter((i) => i['key'] === 'AAPL');
    const [snapshot, ...deltas] = items;
    expect(snapshot).toMatchObject({ key: 'AAPL', delayed: false, assetMainType: 'EQUITY', assetSubType: 'COE', cusip: '037833100' });
    for (let field = 1; field <= 51; field++) expect(snapshot).toHaveProperty(String(field));
    expect(snapshot?.['15']).toBe('Apple Inc');
    expect(snapshot?.['4']).toSatisfy((size: number) => size % 100 === 0);
    const spy = client.items('LEVELONE_EQUITIES').find((i) => i['key'] === 'SPY');
    expect(spy).toMatchObject({ assetSubType: 'ETF', cusip: '78462F103' });
    for (const delta of deltas) {
      expect(delta).not.toHaveProperty('delayed');
      expect(delta).not.toHaveProperty('assetMainType');
      const fields = Object.keys(delta).filter((k) => k !== 'key');
      expect(fields.length).toBeGreaterThan(0);
      expect(fields.length).toBeLessThan(51);
    }
    const block = client.blocks('LEVELONE_EQUITIES')[0];
    expect(block?.command).toBe('SUBS');
    // ADD subscriptions also read SUBS, and the added key starts with a snapshot.
    await client.command('LEVELONE_EQUITIES', 'ADD', { keys: 'MSFT', fields: ALL_EQUITY_FIELDS });
    const msft = await client.waitFor(() => client.blocks('LEVELONE_EQUITIES').find((b) => b.content.some((i) => i['key'] === 'MSFT')));
    expect(msft.command).toBe('SUBS');
    expect(msft.content.find((i) => i['key'] === 'MSFT')).toMatchObject({ delayed: false, assetMainType: 'EQUITY', '15': 'Microsoft Corp' });
  });

  it('streams level-one options for chain contracts with consistent greeks and the option metadata', async () => {
    const tokens = sim.issueTokens();
    const chain = (await (await fetch(`${sim.baseUrl}/marketdata/v1/chains?symbol=AAPL&strikeCount=2&contractType=CALL`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    })).json()) as { callExpDateMap: Record<string, Record<string, Array<{ symbol: string; strikePrice: number }>>> };
    const contract = Object.values(Object.values(chain.callExpDateMap)[1] ?? {})[0]?.[0];
    const client = await login();
    await client.command('LEVELONE_OPTIONS', 'SUBS', { keys: `${contract?.symbol},AAPL  991231C00100000`, fields: ALL_OPTION_FIELDS });
    const snapshot = await client.waitFor(() => client.items('LEVELONE_OPTIONS').find((i) => i['key'] === contract?.symbol));
    expect(snapshot).toMatchObject({ delayed: false, assetMainType: 'OPTION', '20': contract?.strikePrice, '21': 'C', '22': 'AAPL', '41': 'OPR', '49': 'AAPL' });
    expect(snapshot['1']).toMatch(/^AAPL \d\d\/\d\d\/\d{4} \d+\.\d\d C$/);
    expect(snapshot['28']).toSatisfy((delta: number) => delta > 0 && delta < 1);
    expect(snapshot['29']).toSatisfy((gamma: number) => gamma > 0);
    const occ = parseOcc(String(contract?.symbol));
    expect(snapshot['12']).toBe(Number(occ?.date.slice(0, 4)));
    await client.waitFor(() => client.items('LEVELONE_OPTIONS').length >= 3);
    expect(client.items('LEVELONE_OPTIONS').some((i) => i['key'] === 'AAPL  991231C00100000')).toBe(false);
  });

  it('sends the latest existing CHART_EQUITY bar right after a subscription and again after a resubscription', async () => {
    await sim.close();
    await start({ chartBarIntervalMs: 60_000 });
    const client = await login();
    const fields = `0,${Object.values(CHART_EQUITY).join(',')}`;
    await client.command('CHART_EQUITY', 'SUBS', { keys: 'AAPL', fields });
    const first = await client.waitFor(() => client.items('CHART_EQUITY')[0]);
    expect(first).toMatchObject({ key: 'AAPL', seq: 0 });
    const barStart = first[String(CHART_EQUITY.chartTime)] as number;
    expect(barStart % 60_000).toBe(0);
    const easternDate = new Date(barStart).toLocaleDateString('en-CA', { timeZone: 'America/New_York' });
    const [hour, minute] = new Date(barStart).toLocaleTimeString('en-GB', { timeZone: 'America/New_York' }).split(':').map(Number);
    expect(first[String(CHART_EQUITY.sequence)]).toBe((hour ?? 0) * 60 + (minute ?? 0) - 7 * 60);
    expect(first[String(CHART_EQUITY.sequence)]).toSatisfy((seq: number) => seq >= 0 && seq <= 779);
    expect(first[String(CHART_EQUITY.chartDay)]).toBe(Date.parse(`${easternDate}T00:00:00Z`) / 86_400_000);
    const high = first[String(CHART_EQUITY.high)] as number;
    expect(high).toBeGreaterThanOrEqual(first[String(CHART_EQUITY.low)] as number);
    await client.command('CHART_EQUITY', 'UNSUBS', { keys: 'AAPL' });
    await client.command('CHART_EQUITY', 'SUBS', { keys: 'AAPL', fields });
    await client.waitFor(() => client.items('CHART_EQUITY').length >= 2);
    expect(client.items('CHART_EQUITY')[1]).toEqual(first);
  });

  it('streams one CHART_EQUITY bar per key per interval, each the next minute, in the real field order', async () => {
    const client = await login();
    await client.command('CHART_EQUITY', 'SUBS', { keys: 'SPY,QQQ', fields: '0,1,2,3,4,5,6,7,8' });
    await client.waitFor(() => client.items('CHART_EQUITY').filter((i) => i['key'] === 'SPY').length >= 4);
    const bars = client.items('CHART_EQUITY').filter((i) => i['key'] === 'SPY');
    for (let i = 1; i < bars.length; i++) {
      const gap = (bars[i]?.['7'] as number) - (bars[i - 1]?.['7'] as number);
      expect(gap % 60_000).toBe(0);
      expect(gap).toBeGreaterThan(0);
    }
    const bar = bars[0] ?? {};
    expect(bar['3'] as number).toBeGreaterThanOrEqual(Math.max(bar['2'] as number, bar['5'] as number));
    expect(bar['4'] as number).toBeLessThanOrEqual(Math.min(bar['2'] as number, bar['5'] as number));
  });

  it('acknowledges ACCT_ACTIVITY with SUBSCRIBED at seq 0, then streams order events after placeOrder, and refuses ADD', async () => {
    const client = await login();
    expect((await client.command('ACCT_ACTIVITY', 'ADD', { keys: 'Account Activity', fields: '0,1,2,3' })).code).toBe(24);
    expect((await client.command('ACCT_ACTIVITY', 'SUBS', { keys: 'Account Activity', fields: '0,1,2,3' })).code).toBe(0);
    const ack = await client.waitFor(() => client.items('ACCT_ACTIVITY')[0]);
    expect(ack).toEqual({ 1: '', 2: 'SUBSCRIBED', 3: '', seq: 0, key: 'Account Activity' });
    const orderId = await sim.placeOrder({ symbol: 'AMD', quantity: 1, fillAfterMs: 20 });
    await client.waitFor(() => client.items('ACCT_ACTIVITY').find((i) => i['2'] === 'OrderFillCompleted'));
    const events = client.items('ACCT_ACTIVITY').slice(1);
    expect(events.map((e) => e['2'])).toEqual([
      'OrderCreated', 'OrderAccepted', 'ExecutionRequested', 'ExecutionRequestCreated', 'ExecutionRequestCompleted',
      'ExecutionCreated', 'OrderFillCompleted',
    ]);
    expect(events.map((e) => e['seq'])).toEqual([1, 2, 3, 4, 5, 6, 7]);
    for (const event of events) {
      expect(event['1']).toMatch(/^\d{8}$/);
      const data = JSON.parse(event['3'] as string) as { SchwabOrderID: string; BaseEvent: Record<string, unknown> };
      expect(data.SchwabOrderID).toBe(String(orderId));
      expect(data.BaseEvent['EventType']).toBe(event['2']);
    }
    const fill = JSON.parse(events[6]?.['3'] as string) as { BaseEvent: { OrderFillCompletedEventOrderLegQuantityInfo: { ExecutionInfo: { ExecutionQuantity: unknown; ExecutionTimeStamp: { DateTimeString: string } } } } };
    const info = fill.BaseEvent.OrderFillCompletedEventOrderLegQuantityInfo.ExecutionInfo;
    expect(info.ExecutionQuantity).toEqual({ lo: '1000000', signScale: 12 });
    expect(info.ExecutionTimeStamp.DateTimeString).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
    // seq restarts with every subscription.
    await client.command('ACCT_ACTIVITY', 'SUBS', { keys: 'Account Activity', fields: '0,1,2,3' });
    await client.waitFor(() => client.items('ACCT_ACTIVITY').filter((i) => i['2'] === 'SUBSCRIBED').length === 2);
    expect(client.items('ACCT_ACTIVITY').at(-1)?.['seq']).toBe(0);
  });

  it('refuses keys past 500 on a service with code 19 and keeps the first 500', async () => {
    const client = await login();
    const keys = Array.from({ length: 510 }, (_, i) => `K${i}`).join(',');
    const outcome = await client.command('LEVELONE_EQUITIES', 'SUBS', { keys, fields: EQUITY_FIELDS });
    expect(outcome.code).toBe(19);
    expect(sim.stats.subscriptions['LEVELONE_EQUITIES']?.size).toBe(500);
  });

  it('answers an unknown service with code 11 and a LOGOUT with SUCCESS and a close', async () => {
    const client = await login();
    expect((await client.command('TIMESALE_EQUITY', 'SUBS', { keys: 'AAPL', fields: '0,1' })).code).toBe(11);
    expect(await client.command('ADMIN', 'LOGOUT', {})).toEqual({ code: 0, msg: 'SUCCESS' });
    await client.waitClosed();
  });

  it('stops streaming with a code 30 notify when the subscription stays empty, then closes', async () => {
    await sim.close();
    await start({ emptySubscriptionCloseMs: 150 });
    const client = await login();
    await client.command('LEVELONE_EQUITIES', 'SUBS', { keys: 'AAPL', fields: EQUITY_FIELDS });
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(client.closeCode).toBeUndefined();
    await client.command('LEVELONE_EQUITIES', 'UNSUBS', { keys: 'AAPL' });
    await client.waitClosed();
    const notice = client.notifies().find((n) => n['service'] === 'ADMIN');
    expect(notice).toMatchObject({ service: 'ADMIN', content: { code: 30, msg: 'Stop streaming due to empty subscription' } });
    expect(typeof notice?.['timestamp']).toBe('number');
  });

  it('produces as fast as the socket drains when updatesPerSecond is 0', async () => {
    await sim.close();
    await start({ updatesPerSecond: 0 });
    const client = await login();
    await client.command('LEVELONE_EQUITIES', 'SUBS', { keys: 'AAPL,MSFT,NVDA,SPY', fields: EQUITY_FIELDS });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sim.stats.itemsSent['LEVELONE_EQUITIES'] ?? 0).toBeGreaterThan(2000);
  });

  it('replays a ring of pre-rendered deltas of the subscribed keys when itemRing is set, counting every item sent', async () => {
    await sim.close();
    await start({ updatesPerSecond: 0, itemRing: 120 });
    const client = await login();
    const keys = ['AAPL', 'MSFT', 'NVDA'];
    await client.command('LEVELONE_EQUITIES', 'SUBS', { keys: keys.join(','), fields: EQUITY_FIELDS });
    await client.waitFor(() => client.items('LEVELONE_EQUITIES').length >= 3 + 3 * 120);
    const items = client.items('LEVELONE_EQUITIES');
    // The first item per key is the snapshot sent on SUBS; the ring starts after them and repeats every 120 items.
    const ring = items.slice(3);
    expect(ring.slice(120, 240)).toEqual(ring.slice(0, 120));
    expect(new Set(ring.map((i) => i['key']))).toEqual(new Set(keys));
    expect(ring.every((i) => !('delayed' in i) && Object.keys(i).length > 1)).toBe(true);
    expect(sim.stats.itemsSent['LEVELONE_EQUITIES']).toBeGreaterThanOrEqual(items.length);
  });

  it('produces frames the recorder decoder turns into rows without a reject', async () => {
    const client = await login();
    const tokens = sim.issueTokens();
    const chain = (await (await fetch(`${sim.baseUrl}/marketdata/v1/chains?symbol=SPY&strikeCount=2`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    })).json()) as { callExpDateMap: Record<string, Record<string, Array<{ symbol: string }>>> };
    const options = Object.values(chain.callExpDateMap).slice(0, 2).flatMap((s) => Object.values(s).map((c) => c[0]?.symbol ?? ''));
    await client.command('LEVELONE_EQUITIES', 'SUBS', { keys: 'AAPL,$SPX,SPY', fields: ALL_EQUITY_FIELDS });
    await client.command('LEVELONE_OPTIONS', 'SUBS', { keys: options.join(','), fields: ALL_OPTION_FIELDS });
    await client.command('CHART_EQUITY', 'SUBS', { keys: 'AAPL', fields: '0,1,2,3,4,5,6,7,8' });
    await client.command('ACCT_ACTIVITY', 'SUBS', { keys: 'Account Activity', fields: '0,1,2,3' });
    await sim.placeOrder({ symbol: 'SPY', fillAfterMs: 20 });
    await client.waitFor(() => client.items('LEVELONE_OPTIONS').length >= 20 && client.items('CHART_EQUITY').length >= 3);
    const decoder = new StreamDecoder();
    const rejects: unknown[] = [];
    let rows = 0;
    for (const frame of client.frames as Frame[]) {
      const result = decoder.decodeFrame(frame, Date.now());
      rejects.push(...result.rejects);
      rows += result.rows.length;
    }
    expect(rejects).toEqual([]);
    expect(rows).toBeGreaterThan(50);
  });
});
