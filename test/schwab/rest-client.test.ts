// RestClient against real HTTP peers on loopback. The simulator covers Schwab's behaviour (rest-sim.test.ts); this
// file covers what no simulator fault produces: silence, a closed port, a body of the wrong shape.
import { afterEach, describe, expect, it } from 'vitest';
import { isRecorderError } from '../../src/errors.js';
import { restRetries } from '../../src/metrics/registry.js';
import { SchwabApi } from '../../src/schwab/endpoints.js';
import { RestClient, SchwabHttpError, pathWithQuery, type AccessTokenSource } from '../../src/schwab/rest-client.js';
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
