// RestClient against real HTTP peers on loopback: the Schwab simulator for Schwab's behaviour (401, 429, 5xx, every
// endpoint's body), and a bare server for what no simulator fault produces (silence, a closed port, a wrong shape).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isRecorderError } from '../../src/errors.js';
import { restRetries, tokenRefreshes } from '../../src/metrics/registry.js';
import { SchwabApi } from '../../src/schwab/endpoints.js';
import { OAuthClient } from '../../src/schwab/oauth.js';
import { TokenBucket } from '../../src/schwab/rate-limit.js';
import { RestClient, SchwabHttpError, pathWithQuery, type AccessTokenSource } from '../../src/schwab/rest-client.js';
import { TokenManager } from '../../src/schwab/token-manager.js';
import { TokenStore } from '../../src/schwab/token-store.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { bufferLogger, memorySink } from '../support/capture.js';
import { json, startHttpPeer, type HttpPeer } from '../support/http-peer.js';
import { freePort } from '../support/server.js';

const TOKEN = 'I0.the-access-token-text';

/** A fixed token: these tests are about transport, not auth (see the simulator tests for refreshes). */
const staticAuth: AccessTokenSource = {
  accessToken: async () => TOKEN,
  refreshNow: async () => TOKEN,
};

function client(baseUrl: string, overrides: Partial<{ requestTimeoutMs: number; maxRetries: number }> = {}) {
  const sink = memorySink();
  const log = bufferLogger();
  const rest = new RestClient({
    settings: { apiBaseUrl: baseUrl, requestTimeoutMs: 2_000, requestsPerMinute: 6_000, maxRetries: 2, ...overrides },
    auth: staticAuth,
    logger: log.logger,
    capture: sink,
    backoff: { initialDelayMs: 10, maxDelayMs: 50 },
  });
  return { rest, api: new SchwabApi(rest), sink, log };
}

async function retryCount(endpoint: string, reason: string): Promise<number> {
  const metric = await restRetries.get();
  return metric.values.find((v) => v.labels.endpoint === endpoint && v.labels.reason === reason)?.value ?? 0;
}

describe('RestClient against a local HTTP peer', () => {
  let peer: HttpPeer | undefined;
  afterEach(async () => {
    await peer?.close();
    peer = undefined;
  });

  it('sends the bearer token and encodes symbols with $, / and the spaces of OCC symbols', async () => {
    peer = await startHttpPeer((_request, response) => json(response, 200, {}));
    const { api } = client(peer.baseUrl);
    await api.quotes(['$SPX', '/ES', 'AAPL  240517C00100000'], { fields: ['quote', 'reference'] });
    const [request] = peer.requests;
    expect(request?.url).toBe('/marketdata/v1/quotes?symbols=%24SPX,%2FES,AAPL%20%20240517C00100000&fields=quote,reference');
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(new URL(request!.url, 'http://x').searchParams.get('symbols')).toBe('$SPX,/ES,AAPL  240517C00100000');
  });

  it("formats order and transaction times as Schwab's yyyy-MM-dd'T'HH:mm:ss.SSSZ in UTC", async () => {
    peer = await startHttpPeer((_request, response) => json(response, 200, []));
    const { api } = client(peer.baseUrl);
    await api.orders('HASH/1', { fromEnteredTime: Date.parse('2024-03-29T00:00:00Z'), toEnteredTime: new Date('2024-04-01T12:30:15.5-04:00'), status: 'FILLED' });
    await api.transactions('HASH', { startDate: 0, endDate: 86_400_000, types: ['TRADE', 'JOURNAL'], symbol: '$SPX' });
    expect(peer.requests.map((r) => r.url)).toEqual([
      '/trader/v1/accounts/HASH%2F1/orders?fromEnteredTime=2024-03-29T00%3A00%3A00.000Z&toEnteredTime=2024-04-01T16%3A30%3A15.500Z&status=FILLED',
      '/trader/v1/accounts/HASH/transactions?startDate=1970-01-01T00%3A00%3A00.000Z&endDate=1970-01-02T00%3A00%3A00.000Z&types=TRADE,JOURNAL&symbol=%24SPX',
    ]);
  });

  it('leaves out parameters that are not given', () => {
    expect(pathWithQuery('/p', { a: undefined, b: 1, c: false })).toBe('/p?b=1&c=false');
    expect(pathWithQuery('/p', {})).toBe('/p');
  });

  it('records a body that fails validation, account numbers masked, before rejecting it with SCHWAB_BODY_INVALID', async () => {
    const body = [{ orderId: 'not-a-number', status: 'FILLED', enteredTime: '2024-06-06T13:46:03+0000', accountNumber: 12345678 }];
    peer = await startHttpPeer((_request, response) => json(response, 200, body));
    const { api, sink } = client(peer.baseUrl);
    const error = await api.allOrders({ fromEnteredTime: 0, toEnteredTime: 1 }).catch((e: unknown) => e);
    expect(isRecorderError(error, 'SCHWAB_BODY_INVALID')).toBe(true);
    expect((error as Error).message).toContain('allOrders');
    expect((error as Error).message).toContain('[0].orderId');
    expect(sink.rests).toHaveLength(1);
    expect(sink.rests[0]).toMatchObject({
      method: 'GET',
      path: '/trader/v1/orders?fromEnteredTime=1970-01-01T00%3A00%3A00.000Z&toEnteredTime=1970-01-01T00%3A00%3A00.001Z',
      status: 200,
      body: [{ ...body[0], accountNumber: '...678' }],
    });
  });

  it('returns what it recorded: account numbers masked', async () => {
    peer = await startHttpPeer((_request, response) => json(response, 200, [{ accountNumber: '12345678', hashValue: 'ABC' }]));
    const { api, sink } = client(peer.baseUrl);
    expect(await api.accountNumbers()).toEqual([{ accountNumber: '...678', hashValue: 'ABC' }]);
    expect(sink.rests[0]?.body).toEqual([{ accountNumber: '...678', hashValue: 'ABC' }]);
  });

  it('records a body that is not JSON as text and rejects it', async () => {
    peer = await startHttpPeer((_request, response) => response.writeHead(200).end('<html>maintenance</html>'));
    const { api, sink } = client(peer.baseUrl);
    await expect(api.expirationChain('AAPL')).rejects.toMatchObject({ code: 'SCHWAB_BODY_INVALID' });
    expect(sink.rests[0]?.body).toBe('<html>maintenance</html>');
  });

  it('times out an attempt that gets no answer, retries it, then fails with SCHWAB_RETRIES_EXHAUSTED', async () => {
    peer = await startHttpPeer(() => undefined); // never answers
    const { api } = client(peer.baseUrl, { requestTimeoutMs: 150, maxRetries: 1 });
    const before = await retryCount('markets', 'timeout');
    const started = Date.now();
    const error = await api.markets(['equity']).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(error).toBeInstanceOf(SchwabHttpError);
    expect(error).toMatchObject({ code: 'SCHWAB_RETRIES_EXHAUSTED', endpoint: 'markets', attempts: 2, status: undefined });
    expect((error as Error).message).toBe('Schwab markets failed after 2 attempts: last no answer within 150 ms');
    expect(peer.requests).toHaveLength(2);
    expect(await retryCount('markets', 'timeout')).toBe(before + 1);
  });

  it('retries network errors and names the cause when it gives up', async () => {
    const port = await freePort(); // nothing listens there
    const { api } = client(`http://127.0.0.1:${port}`, { maxRetries: 2 });
    const error = await api.userPreference().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SCHWAB_RETRIES_EXHAUSTED', attempts: 3 });
    expect((error as Error).message).toContain('network error ECONNREFUSED');
  });

  it('does not retry an answer such as 404 and quotes Schwab\'s message, masking digit runs', async () => {
    peer = await startHttpPeer((_request, response) => json(response, 404, { message: 'Invalid account number 12345678' }));
    const { api } = client(peer.baseUrl);
    const error = await api.account('HASH').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SCHWAB_HTTP_ERROR', status: 404, attempts: 1 });
    expect((error as Error).message).toBe('Schwab account answered HTTP 404: Invalid account number ...678');
    expect(peer.requests).toHaveLength(1);
  });

  it('keeps the token out of logs and captured records', async () => {
    peer = await startHttpPeer((_request, response) => json(response, 503, { errors: [{ title: 'Service Unavailable' }] }));
    const { api, sink, log } = client(peer.baseUrl, { maxRetries: 1 });
    await api.quotes(['AAPL']).catch(() => undefined);
    expect(log.text()).toContain('retrying');
    expect(log.text()).not.toContain(TOKEN);
    expect(JSON.stringify(sink.rests)).not.toContain(TOKEN);
  });
});

describe('RestClient against the simulator', () => {
  let sim: Simulator;
  let dir: string;
  let auth: TokenManager;
  const log = bufferLogger();
  const sink = memorySink();
  const seen = new Set<string>();

  function api(overrides: Partial<{ maxRetries: number; limiter: TokenBucket }> = {}): SchwabApi {
    return new SchwabApi(new RestClient({
      settings: { apiBaseUrl: sim.baseUrl, requestTimeoutMs: 5_000, requestsPerMinute: 6_000, maxRetries: overrides.maxRetries ?? 3 },
      auth: {
        accessToken: async () => remember(await auth.accessToken()),
        refreshNow: async (reason, rejected) => remember(await auth.refreshNow(reason, rejected)),
      },
      logger: log.logger,
      capture: sink,
      backoff: { initialDelayMs: 20, maxDelayMs: 100 },
      ...(overrides.limiter === undefined ? {} : { limiter: overrides.limiter }),
    }));
  }

  function remember(token: string): string {
    seen.add(token);
    return token;
  }

  beforeAll(async () => {
    sim = await startSimulator({ seed: 5 });
    dir = await mkdtemp(path.join(tmpdir(), 'rest-sim-'));
  });
  afterAll(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });
  let case_ = 0;
  beforeEach(async () => {
    case_ += 1;
    const file = path.join(dir, `tokens-${case_}.json`);
    auth = new TokenManager({
      settings: { refreshLeewayMs: 120_000, refreshTokenWarnDays: 2 },
      store: new TokenStore(file),
      oauth: new OAuthClient({ apiBaseUrl: sim.baseUrl, ...sim.credentials, requestTimeoutMs: 5_000, maxRetries: 1 }, { logger: log.logger }),
      logger: log.logger,
    });
    await auth.login(sim.authorizationRedirectUrl());
    sim.faults.restFailures(500, 0);
  });

  const statuses = (count: number): number[] => sim.stats.restRequests.slice(-count).map((r) => r.status);

  it('parses the body of every endpoint', async () => {
    const client = api();
    const preference = await client.userPreference();
    expect(preference.streamerInfo[0]?.streamerSocketUrl).toBe(sim.wsUrl);
    const [first] = await client.accountNumbers();
    expect(first?.accountNumber).toMatch(/^\.\.\.\w{3}$/);
    const hash = first!.hashValue;
    await client.accounts('positions');
    expect((await client.account(hash)).securitiesAccount.accountNumber).toMatch(/^\.\.\./);
    const week = { fromEnteredTime: Date.now() - 7 * 86_400_000, toEnteredTime: Date.now() };
    await client.orders(hash, week);
    await client.allOrders({ ...week, maxResults: 100 });
    await client.transactions(hash, { startDate: week.fromEnteredTime, endDate: week.toEnteredTime });
    const candles = await client.priceHistory({ symbol: 'AAPL', periodType: 'day', period: 1, frequencyType: 'minute', frequency: 5 });
    expect(candles.candles.length).toBeGreaterThan(0);
    const chain = await client.chains({ symbol: 'AAPL', contractType: 'ALL', strikeCount: 4 });
    expect(Object.keys(chain.callExpDateMap ?? {}).length).toBeGreaterThan(0);
    expect((await client.chains({ symbol: '$SPX', strikeCount: 2 })).symbol).toBe('$SPX');
    expect((await client.expirationChain('AAPL')).expirationList.length).toBeGreaterThan(0);
    const quotes = await client.quotes(['AAPL', '$SPX']);
    expect(quotes['$SPX']?.assetMainType).toBe('INDEX');
    await client.markets(['equity', 'option']);
    expect(statuses(13).every((status) => status === 200)).toBe(true);
  });

  it('captures every stored body with its path and status, account numbers masked', () => {
    const paths = sink.rests.map((record) => record.path.split('?')[0]);
    expect(paths).toContain('/trader/v1/userPreference');
    expect(paths).toContain('/marketdata/v1/chains');
    expect(sink.rests.find((record) => record.path.startsWith('/marketdata/v1/quotes'))?.path).toBe('/marketdata/v1/quotes?symbols=AAPL,%24SPX');
    expect(sink.rests.every((record) => record.status === 200 && record.method === 'GET' && record.receivedAt > 0)).toBe(true);
    expect(JSON.stringify(sink.rests)).not.toMatch(/"accountNumber":\s*(\d|"\d)/);
  });

  it('answers a 401 with one refresh and a retry that succeeds', async () => {
    const client = api();
    const before = await auth.accessToken();
    const refreshed = (await tokenRefreshes.get()).values.find((v) => v.labels.result === 'success')?.value ?? 0;
    sim.faults.expireAccessTokens();
    await client.userPreference();
    expect(statuses(2)).toEqual([401, 200]);
    expect(await auth.accessToken()).not.toBe(before);
    expect((await tokenRefreshes.get()).values.find((v) => v.labels.result === 'success')?.value).toBe(refreshed + 1);
  });

  it('retries a 429 after the wait Retry-After advises', async () => {
    const client = api();
    sim.faults.restFailures(429, 1, 1);
    const before = await retryCount('quotes', '429');
    const started = Date.now();
    await client.quotes(['MSFT']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(statuses(2)).toEqual([429, 200]);
    expect(await retryCount('quotes', '429')).toBe(before + 1);
  });

  it('retries 500s with backoff, then succeeds', async () => {
    const client = api({ maxRetries: 3 });
    sim.faults.restFailures(500, 2);
    const before = await retryCount('expirationChain', '5xx');
    await client.expirationChain('SPY');
    expect(statuses(3)).toEqual([500, 500, 200]);
    expect(await retryCount('expirationChain', '5xx')).toBe(before + 2);
  });

  it('gives up after maxRetries with SCHWAB_RETRIES_EXHAUSTED naming the endpoint and the last status', async () => {
    const client = api({ maxRetries: 2 });
    sim.faults.restFailures(503, 5);
    const error = await client.chains({ symbol: 'AAPL', strikeCount: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchwabHttpError);
    expect(error).toMatchObject({ code: 'SCHWAB_RETRIES_EXHAUSTED', endpoint: 'chains', status: 503, attempts: 3 });
    expect((error as Error).message).toMatch(/^Schwab chains failed after 3 attempts: last HTTP 503 Service Unavailable: Service Unavailable: /);
    expect(statuses(3)).toEqual([503, 503, 503]);
  });

  it('reports an expired refresh token behind a 401 as AUTH_REFRESH_EXPIRED', async () => {
    const client = api();
    sim.faults.expireAccessTokens();
    sim.faults.expireRefreshTokens();
    const error = await client.userPreference().catch((e: unknown) => e);
    expect(isRecorderError(error, 'AUTH_REFRESH_EXPIRED')).toBe(true);
    expect((error as Error).message).toContain('run `schwab-recorder auth login`');
  });

  it('spaces a burst beyond the token bucket at the configured rate', async () => {
    const client = api({ limiter: new TokenBucket({ requestsPerMinute: 600, burst: 2 }) }); // one per 100 ms after 2
    const started = Date.now();
    await Promise.all(Array.from({ length: 6 }, () => client.markets(['equity'])));
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect(statuses(6)).toEqual([200, 200, 200, 200, 200, 200]);
  });

  it('never puts token text in a log line or a captured record', () => {
    expect(seen.size).toBeGreaterThan(3);
    const logged = log.text();
    const captured = JSON.stringify(sink.rests);
    expect(logged).toContain('retrying');
    for (const token of seen) {
      expect(logged).not.toContain(token);
      expect(captured).not.toContain(token);
    }
  });
});
