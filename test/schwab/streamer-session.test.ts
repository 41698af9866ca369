import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { isRecorderError } from '../../src/errors.js';
import { StreamerSession, type StreamerSessionOptions } from '../../src/schwab/streamer/session.js';
import { memorySink, type MemorySink } from '../support/capture.js';
import { simulatedSchwab, type SimulatedSchwab } from '../support/simulated-schwab.js';
import { until } from '../support/until.js';

type Captured = MemorySink;
const capture = memorySink;

const EQUITIES = ['AAPL', 'MSFT', 'NVDA', 'SPY', 'QQQ'];

const count = (c: Captured, event: string) => c.events.filter((e) => e.event === event).length;

describe('streamer session against the simulator', () => {
  let schwab: SimulatedSchwab;
  let session: StreamerSession | undefined;

  afterEach(async () => {
    await session?.stop();
    session = undefined;
    await schwab?.close();
  });

  async function startSession(captured: Captured, overrides: Partial<StreamerSessionOptions> = {}, simOptions = {}): Promise<StreamerSession> {
    schwab = await simulatedSchwab({ heartbeatIntervalMs: 200, updatesPerSecond: 200, chartBarIntervalMs: 300, ...simOptions });
    const option = (await schwab.api.chains({ symbol: 'AAPL', strikeCount: 2 })).callExpDateMap;
    const optionKeys = Object.values(option ?? {}).flatMap((strikes) => Object.values(strikes).flatMap((cs) => cs.map((c) => c.symbol))).slice(0, 4);
    session = new StreamerSession({
      streamerInfo: () => schwab.streamerInfo(), auth: schwab.tokens, capture: captured, logger: schwab.logger,
      keys: { LEVELONE_EQUITIES: EQUITIES, LEVELONE_OPTIONS: optionKeys, CHART_EQUITY: ['AAPL', 'MSFT'], ACCT_ACTIVITY: ['Account Activity'] },
      limits: { maxKeysPerRequest: 250, maxKeysPerService: 500 },
      heartbeatTimeoutMs: 2000, dataSilenceTimeoutMs: 5000,
      reconnect: { initialDelayMs: 50, maxDelayMs: 200, healthyAfterMs: 60_000 },
      responseTimeoutMs: 3000,
      ...overrides,
    });
    void session.start().catch(() => undefined);
    return session;
  }

  it('logs in and subscribes all four services; every inbound frame reaches capture first', async () => {
    const captured = capture();
    const s = await startSession(captured);
    await until(() => s.state === 'streaming', 10_000, 'streaming');
    const subs = schwab.sim.stats.subscriptions;
    expect([...(subs.LEVELONE_EQUITIES ?? [])].sort()).toEqual([...EQUITIES].sort());
    expect(subs.LEVELONE_OPTIONS?.size).toBe(4);
    expect([...(subs.CHART_EQUITY ?? [])].sort()).toEqual(['AAPL', 'MSFT']);
    expect(subs.ACCT_ACTIVITY?.size).toBe(1);
    const commands = schwab.sim.stats.commands.map((c) => `${c.service} ${c.command} ${c.code}`);
    expect(commands).toEqual([
      'ADMIN LOGIN 0', 'LEVELONE_EQUITIES SUBS 0', 'LEVELONE_OPTIONS SUBS 0', 'CHART_EQUITY SUBS 0', 'ACCT_ACTIVITY SUBS 0',
    ]);
    await until(() => captured.frames.some((f) => JSON.stringify(f.parsed).includes('"CHART_EQUITY"')), 5000, 'a chart bar');
    expect(captured.frames[0]?.text).toContain('"response"'); // the LOGIN response is the first frame captured
    expect(count(captured, 'connected')).toBe(1);
  });

  it('reconnects after a dropped socket and re-subscribes everything exactly once, recording the gap', async () => {
    const captured = capture();
    const s = await startSession(captured);
    await until(() => s.state === 'streaming');
    const before = schwab.sim.stats.commands.length;
    schwab.sim.faults.dropSockets();
    await until(() => count(captured, 'connected') === 2, 10_000, 'a second connection');
    const after = schwab.sim.stats.commands.slice(before).map((c) => `${c.service} ${c.command}`);
    expect(after).toEqual(['ADMIN LOGIN', 'LEVELONE_EQUITIES SUBS', 'LEVELONE_OPTIONS SUBS', 'CHART_EQUITY SUBS', 'ACCT_ACTIVITY SUBS']);
    expect([...(schwab.sim.stats.subscriptions.LEVELONE_EQUITIES ?? [])].sort()).toEqual([...EQUITIES].sort());
    const disconnected = captured.events.find((e) => e.event === 'disconnected');
    expect(disconnected?.detail.reason).toMatch(/^socket_closed:1006$/);
    const gap = captured.events.find((e) => e.event === 'gap');
    expect(gap?.detail.seconds).toBeGreaterThanOrEqual(0);
    expect(schwab.sim.stats.connections.current).toBe(1);
  });

  it('drops and reconnects a socket that goes silent, within the heartbeat timeout', async () => {
    const captured = capture();
    const s = await startSession(captured, { heartbeatTimeoutMs: 800 });
    await until(() => s.state === 'streaming');
    const silentAt = Date.now();
    schwab.sim.faults.silence(true);
    await until(() => count(captured, 'disconnected') === 1, 5000, 'the silent socket to be dropped');
    const detectedAfter = Date.now() - silentAt;
    expect(captured.events.find((e) => e.event === 'disconnected')?.detail.reason).toBe('heartbeat_timeout');
    expect(detectedAfter).toBeLessThan(800 + 1500);
    schwab.sim.faults.silence(false);
    await until(() => count(captured, 'connected') === 2, 5000, 'the reconnect');
  });

  it('reconnects when a subscribed level-one service sends nothing for dataSilenceTimeoutMs in market hours', async () => {
    const captured = capture();
    const s = await startSession(captured, { heartbeatTimeoutMs: 60_000, dataSilenceTimeoutMs: 700 }, { updatesPerSecond: 200 });
    await until(() => s.state === 'streaming');
    schwab.sim.faults.silence(true);
    await until(() => count(captured, 'disconnected') === 1, 5000, 'data silence to be noticed');
    expect(String(captured.events.find((e) => e.event === 'disconnected')?.detail.reason)).toMatch(/^data_silence:LEVELONE_/);
  });

  it('reconnects when subscribed futures and forex go silent in market hours, as equities do', async () => {
    const captured = capture();
    const s = await startSession(captured, {
      heartbeatTimeoutMs: 60_000, dataSilenceTimeoutMs: 700, keys: { LEVELONE_FUTURES: ['/ES'], LEVELONE_FOREX: ['EUR/USD'] },
    }, { updatesPerSecond: 200 });
    await until(() => s.state === 'streaming');
    schwab.sim.faults.silence(true);
    await until(() => count(captured, 'disconnected') === 1, 5000, 'data silence to be noticed');
    expect(String(captured.events.find((e) => e.event === 'disconnected')?.detail.reason)).toMatch(/^data_silence:LEVELONE_(FUTURES|FOREX)$/);
  });

  it('does not count data silence outside market hours', async () => {
    const captured = capture();
    const s = await startSession(captured, { heartbeatTimeoutMs: 60_000, dataSilenceTimeoutMs: 300, isMarketOpen: () => false });
    await until(() => s.state === 'streaming');
    schwab.sim.faults.silence(true);
    await sleep(1200);
    expect(count(captured, 'disconnected')).toBe(0);
  });

  it('refreshes the token once when the login is denied, then logs in', async () => {
    const captured = capture();
    let refreshes = 0;
    const s = await startSession(captured);
    await until(() => s.state === 'streaming');
    await s.stop();
    const refresh = schwab.tokens.refreshNow.bind(schwab.tokens);
    const auth = { accessToken: () => schwab.tokens.accessToken(), refreshNow: (reason: string) => { refreshes += 1; return refresh(reason); } };
    schwab.sim.faults.denyLogins(1);
    const again = capture();
    session = new StreamerSession({
      streamerInfo: () => schwab.streamerInfo(), auth, capture: again, logger: schwab.logger,
      keys: { LEVELONE_EQUITIES: EQUITIES }, limits: { maxKeysPerRequest: 250, maxKeysPerService: 500 },
      heartbeatTimeoutMs: 2000, dataSilenceTimeoutMs: 5000, reconnect: { initialDelayMs: 50, maxDelayMs: 200, healthyAfterMs: 60_000 },
    });
    void session.start();
    await until(() => session?.state === 'streaming', 10_000, 'streaming after the denial');
    expect(refreshes).toBe(1);
    expect(count(again, 'login_denied')).toBe(1);
    expect(schwab.sim.stats.logins.denied).toBe(1);
  });

  it('gives up with a clear error when another client holds the one streamer connection', async () => {
    const captured = capture();
    const s = await startSession(captured, { maxConnectionRefusals: 2 });
    await until(() => s.state === 'streaming');
    await s.stop();
    // Another program logs in first and keeps the connection.
    const info = await schwab.streamerInfo();
    const other = new WebSocket(info.streamerSocketUrl);
    await once(other, 'open');
    other.send(JSON.stringify({ requests: [{ service: 'ADMIN', command: 'LOGIN', requestid: '1', SchwabClientCustomerId: info.schwabClientCustomerId,
      SchwabClientCorrelId: info.schwabClientCorrelId, parameters: { Authorization: await schwab.tokens.accessToken(), SchwabClientChannel: info.schwabClientChannel, SchwabClientFunctionId: info.schwabClientFunctionId } }] }));
    await once(other, 'message');
    const second = capture();
    session = new StreamerSession({
      streamerInfo: () => schwab.streamerInfo(), auth: schwab.tokens, capture: second, logger: schwab.logger,
      keys: { LEVELONE_EQUITIES: EQUITIES }, limits: { maxKeysPerRequest: 250, maxKeysPerService: 500 },
      heartbeatTimeoutMs: 2000, dataSilenceTimeoutMs: 5000, reconnect: { initialDelayMs: 20, maxDelayMs: 50, healthyAfterMs: 60_000 },
      maxConnectionRefusals: 2,
    });
    const error = await session.start().then(() => null, (e: unknown) => e);
    other.close();
    expect(isRecorderError(error, 'STREAM_MAX_CONNECTIONS')).toBe(true);
    expect((error as Error).message).toContain('one streamer connection per user');
    expect(session.state).toBe('failed');
    expect(count(second, 'gave_up')).toBe(1);
  });

  it('chunks keys to the per-request limit and sends only the difference when keys change', async () => {
    const captured = capture();
    const s = await startSession(captured, { limits: { maxKeysPerRequest: 2, maxKeysPerService: 500 } });
    await until(() => s.state === 'streaming');
    const equities = schwab.sim.stats.commands.filter((c) => c.service === 'LEVELONE_EQUITIES');
    expect(equities.map((c) => `${c.command} ${c.keys.join(',')}`)).toEqual(['SUBS AAPL,MSFT', 'ADD NVDA,SPY', 'ADD QQQ']);
    expect(equities[0]?.fields[0]).toBe(0);
    expect(equities[0]?.fields).toEqual([...(equities[0]?.fields ?? [])].sort((a, b) => a - b));
    const before = schwab.sim.stats.commands.length;
    await s.setKeys('LEVELONE_EQUITIES', ['AAPL', 'MSFT', 'AMD']);
    const changes = schwab.sim.stats.commands.slice(before).map((c) => `${c.command} ${c.keys.join(',')} ${c.code}`);
    expect(changes).toEqual(['UNSUBS NVDA,SPY 0', 'UNSUBS QQQ 0', 'ADD AMD 0']);
    expect([...(schwab.sim.stats.subscriptions.LEVELONE_EQUITIES ?? [])].sort()).toEqual(['AAPL', 'AMD', 'MSFT']);
    expect(s.subscribedKeys('LEVELONE_EQUITIES').sort()).toEqual(['AAPL', 'AMD', 'MSFT']);
  });

  it('disconnects when suspended by the schedule, stays away without a gap or a reconnect, and comes back on resume', async () => {
    const captured = capture();
    const s = await startSession(captured);
    await until(() => s.state === 'streaming');
    const connectedBefore = count(captured, 'connected');
    const gapsBefore = count(captured, 'gap');
    s.suspend('after-session');
    await until(() => s.state === 'idle' && schwab.sim.stats.connections.current === 0, 10_000, 'the suspended session to disconnect');
    const logins = schwab.sim.stats.logins.ok;
    await sleep(500);
    expect(schwab.sim.stats.logins.ok).toBe(logins); // no reconnect attempts while suspended
    s.resume();
    await until(() => count(captured, 'connected') === connectedBefore + 1, 10_000, 'the resumed connection');
    expect(count(captured, 'gap')).toBe(gapsBefore);
    const suspendedAt = captured.events.findIndex((e) => e.event === 'suspended');
    expect(captured.events.slice(suspendedAt).find((e) => e.event === 'disconnected')?.detail.reason).toBe('suspended');
  });

  it('hands invalid JSON and unknown fields to capture and keeps streaming', async () => {
    const captured = capture();
    const s = await startSession(captured);
    await until(() => s.state === 'streaming');
    schwab.sim.faults.unknownFields(true);
    schwab.sim.faults.sendInvalidJson();
    await until(() => captured.frames.some((f) => f.parsed === undefined), 5000, 'the invalid frame');
    await until(() => captured.frames.some((f) => f.text.includes('"99"')), 5000, 'an unknown field');
    expect(s.state).toBe('streaming');
  });

  it('never lets token text reach a log line or a captured event', async () => {
    const captured = capture();
    const s = await startSession(captured);
    await until(() => s.state === 'streaming');
    schwab.sim.faults.dropSockets();
    await until(() => count(captured, 'connected') === 2);
    const token = await schwab.tokens.accessToken();
    expect(token.length).toBeGreaterThan(10);
    const everything = `${schwab.logs()}\n${JSON.stringify(captured.events)}\n${captured.frames.map((f) => f.text).join('\n')}`;
    expect(everything).not.toContain(token);
    const login = captured.events.find((e) => e.event === 'sent' && JSON.stringify(e.detail).includes('LOGIN'));
    expect(JSON.stringify(login?.detail)).toContain('"Authorization":"[redacted]"');
  });
});
