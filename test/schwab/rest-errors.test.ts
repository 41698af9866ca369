// Every failed REST attempt leaves a `rest_error` row in stream_events and a count in schwab_rest_errors_total:
// 401, 429 and 500 from the simulator's faults, a 404 and silence (a timeout) from a real loopback server. The
// events go through the recording (the live pipeline journals them), so a replay of it stores the same rows.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureSink } from '../../src/capture/sink.js';
import { restErrors } from '../../src/metrics/registry.js';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { RecordingWriter } from '../../src/recording/writer.js';
import { SchwabApi } from '../../src/schwab/endpoints.js';
import { OAuthClient } from '../../src/schwab/oauth.js';
import { RestClient, type AccessTokenSource } from '../../src/schwab/rest-client.js';
import { safeRequestPath, schwabErrorMessage } from '../../src/schwab/rest-errors.js';
import { TokenManager } from '../../src/schwab/token-manager.js';
import { TokenStore } from '../../src/schwab/token-store.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { bufferLogger } from '../support/capture.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { json, startHttpPeer, type HttpPeer } from '../support/http-peer.js';
import { until } from '../support/until.js';

const REAL_401 = new URL('../fixtures/samples/rest-error-trader-401.json', import.meta.url);

describe('rest_error detail', () => {
  it("quotes Schwab's message of the real 401 body", async () => {
    expect(schwabErrorMessage(await readFile(REAL_401, 'utf8'))).toBe('Unauthorized: Client not authorized');
  });

  it('masks account numbers in the message and quotes nothing of a body that is not JSON', () => {
    expect(schwabErrorMessage('{"message":"Invalid account number 12345678","errors":["Acct# 87654321 closed"]}'))
      .toBe('Invalid account number ...678; Acct# ...321 closed');
    expect(schwabErrorMessage('{"message":"order 1234567890123 not found"}')).toBe('order ...123 not found');
    expect(schwabErrorMessage('<html>502 Bad Gateway</html>')).toBeNull();
    expect(schwabErrorMessage('{}')).toBeNull();
    expect(schwabErrorMessage(JSON.stringify({ message: 'x'.repeat(5000) }))).toHaveLength(301);
  });

  it('keeps every parameter name, and only the plain values of parameters the recorder sends with public values', () => {
    expect(safeRequestPath('/marketdata/v1/quotes?symbols=AAPL,%24SPX,%2FES&fields=quote')).toBe('/marketdata/v1/quotes?symbols=AAPL,%24SPX,%2FES&fields=quote');
    expect(safeRequestPath('/trader/v1/accounts/HASH/orders?fromEnteredTime=2024-03-29T00%3A00%3A00.000Z&status=FILLED&maxResults=10'))
      .toBe('/trader/v1/accounts/HASH/orders?fromEnteredTime=2024-03-29T00%3A00%3A00.000Z&status=FILLED&maxResults=10');
    expect(safeRequestPath('/p?accountNumber=12345678&access_token=abc&symbol=AAPL')).toBe('/p?accountNumber=*&access_token=*&symbol=AAPL');
    expect(safeRequestPath('/p?symbol=%22%3E%3Cscript%3E&symbol=a+b&flag&%24weird=1')).toBe('/p?symbol=%22%3E%3Cscript%3E&symbol=*&flag&_');
    expect(safeRequestPath(`/p?symbol=${'A'.repeat(201)}`)).toBe('/p?symbol=*');
    expect(safeRequestPath('/trader/v1/userPreference')).toBe('/trader/v1/userPreference');
  });
});

describe('schwab_rest_errors_total', () => {
  it('labels only known endpoints and statuses by name, anything else as other', async () => {
    for (let i = 0; i < 100; i += 1) restErrors.inc({ endpoint: `made_up_${i}`, status: String(600 + i) });
    restErrors.inc({ endpoint: 'movers', status: '502' });
    const text = (await restErrors.get()).values.map((v) => `${v.labels.endpoint}/${v.labels.status}`);
    expect(text.some((t) => /made_up|6\d\d/.test(t))).toBe(false);
    expect((await restErrors.get()).values.find((v) => v.labels.endpoint === 'other' && v.labels.status === 'other')?.value).toBe(100);
    expect(text).toContain('movers/502');
  });
});

interface Row { occurred_at: Date; event: string; service: string | null; detail: Record<string, unknown>; seq: string }

const events = async (db: TestDatabase): Promise<Row[]> => (await db.pool.query<Row>(
  `SELECT occurred_at, event, service, detail, seq FROM stream_events WHERE event = 'rest_error' ORDER BY seq`)).rows;

async function errorCount(endpoint: string, status: string): Promise<number> {
  return (await restErrors.get()).values.find((v) => v.labels.endpoint === endpoint && v.labels.status === status)?.value ?? 0;
}

describe('rest_error events through the recording', () => {
  let sim: Simulator;
  let peer: HttpPeer;
  let live: TestDatabase;
  let replayed: TestDatabase;
  let dir: string;
  let writer: RecordingWriter;
  let pipeline: Pipeline;
  /** What the client handed the capture: the pipeline, and this list for the expected times. */
  const captured: Array<{ event: string; detail: Record<string, unknown>; at: number }> = [];
  const { logger } = bufferLogger('warn');

  function client(baseUrl: string, auth: AccessTokenSource, settings: { requestTimeoutMs: number; maxRetries: number }): SchwabApi {
    const capture: CaptureSink = {
      wsFrame: (text, parsed, at) => pipeline.wsFrame(text, parsed, at),
      rest: (response, at) => pipeline.rest(response, at),
      event: (event, detail, at) => {
        captured.push({ event, detail, at });
        pipeline.event(event, detail, at);
      },
    };
    return new SchwabApi(new RestClient({
      settings: { apiBaseUrl: baseUrl, requestsPerMinute: 6_000, ...settings }, auth, logger, capture,
      backoff: { initialDelayMs: 10, maxDelayMs: 20 },
    }));
  }

  beforeAll(async () => {
    [sim, live, replayed] = await Promise.all([startSimulator({ seed: 14 }), createTestDatabase(), createTestDatabase()]);
    dir = await mkdtemp(path.join(tmpdir(), 'rest-errors-'));
    peer = await startHttpPeer((request, response) => {
      if (request.url?.startsWith('/trader/v1/accounts/')) json(response, 404, { message: 'Invalid account number 12345678' });
      // anything else: never answered
    });
    writer = await RecordingWriter.open({ dir, logger, segmentMaxBytes: 1 << 24, segmentMaxAgeMs: 3_600_000, gzipClosedSegments: false });
    pipeline = await Pipeline.open({
      pool: live.pool, recordingId: writer.id, recordingPath: writer.folder, writer, logger,
      buffers: { flushRows: 1000, maxRows: 100_000, maxBytes: 1 << 26 }, flushIntervalMs: 20, retry: { initialDelayMs: 10, maxDelayMs: 100 },
    });
    pipeline.start();
  });
  let stopped = false;
  afterAll(async () => {
    if (!stopped) await pipeline?.stop(); // also closes the writer
    await Promise.all([sim?.close(), peer?.close(), live?.drop(), replayed?.drop()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('stores one rest_error row per failed attempt: status, masked message, safe path, attempt and what came next', async () => {
    const auth = new TokenManager({
      settings: { refreshLeewayMs: 120_000, refreshTokenWarnDays: 2 },
      store: new TokenStore(path.join(dir, 'tokens.json')),
      oauth: new OAuthClient({ apiBaseUrl: sim.baseUrl, ...sim.credentials, requestTimeoutMs: 5_000, maxRetries: 1 }, { logger }),
      logger,
    });
    await auth.login(sim.authorizationRedirectUrl());
    const before = {
      unauthorized: await errorCount('userPreference', '401'), limited: await errorCount('quotes', '429'),
      failed: await errorCount('transactions', '500'), missing: await errorCount('account', '404'), silent: await errorCount('markets', 'timeout'),
    };
    const api = client(sim.baseUrl, auth, { requestTimeoutMs: 5_000, maxRetries: 2 });
    const [account] = await api.accountNumbers();
    const hash = account!.hashValue;

    sim.faults.expireAccessTokens();
    await api.userPreference(); // 401, refresh, 200
    sim.faults.restFailures(429, 1, 0);
    await api.quotes(['AAPL', '$SPX'], { fields: ['quote'] }); // 429, 200
    sim.faults.restFailures(500, 3);
    const window = { startDate: Date.parse('2024-05-01T00:00:00Z'), endDate: Date.parse('2024-05-02T00:00:00Z'), types: ['TRADE'] };
    await expect(api.transactions(hash, window)).rejects.toMatchObject({ code: 'SCHWAB_RETRIES_EXHAUSTED', status: 500 });

    const staticAuth: AccessTokenSource = { accessToken: async () => 'I0.peer-token', refreshNow: async () => 'I0.peer-token' };
    const silent = client(peer.baseUrl, staticAuth, { requestTimeoutMs: 150, maxRetries: 1 });
    await expect(silent.account('HASH')).rejects.toMatchObject({ code: 'SCHWAB_HTTP_ERROR', status: 404 });
    await expect(silent.markets(['equity'], '2024-05-17')).rejects.toMatchObject({ code: 'SCHWAB_RETRIES_EXHAUSTED', attempts: 2 });

    const transactionsPath = `/trader/v1/accounts/${hash}/transactions?startDate=2024-05-01T00%3A00%3A00.000Z&endDate=2024-05-02T00%3A00%3A00.000Z&types=TRADE`;
    const serverError = 'Internal Server Error: Internal Server Error (simulated fault)';
    const expected = [
      { endpoint: 'userPreference', path: '/trader/v1/userPreference', status: 401, message: 'Unauthorized: Client not authorized', attempt: 1, next: 'refresh_token' },
      { endpoint: 'quotes', path: '/marketdata/v1/quotes?symbols=AAPL,%24SPX&fields=quote', status: 429, message: 'Too Many Requests: Too Many Requests (simulated fault)', attempt: 1, next: 'retry' },
      { endpoint: 'transactions', path: transactionsPath, status: 500, message: serverError, attempt: 1, next: 'retry' },
      { endpoint: 'transactions', path: transactionsPath, status: 500, message: serverError, attempt: 2, next: 'retry' },
      { endpoint: 'transactions', path: transactionsPath, status: 500, message: serverError, attempt: 3, next: 'give_up' },
      { endpoint: 'account', path: '/trader/v1/accounts/HASH', status: 404, message: 'Invalid account number ...678', attempt: 1, next: 'give_up' },
      { endpoint: 'markets', path: '/marketdata/v1/markets?markets=equity&date=2024-05-17', status: 'timeout', message: null, attempt: 1, next: 'retry' },
      { endpoint: 'markets', path: '/marketdata/v1/markets?markets=equity&date=2024-05-17', status: 'timeout', message: null, attempt: 2, next: 'give_up' },
    ].map((detail) => ({ method: 'GET', ...detail }));
    expect(captured.map((c) => c.detail)).toEqual(expected);

    await until(() => pipeline.committedSeq === writer.lastSeq, 20_000, 'the events committed');
    const rows = await events(live);
    expect(rows.map(({ seq: _seq, ...row }) => row)).toEqual(captured.map(({ detail, at }) => ({
      occurred_at: new Date(at), event: 'rest_error', service: null, detail,
    })));
    for (const token of [await auth.accessToken(), 'I0.peer-token']) expect(JSON.stringify(rows)).not.toContain(token);

    expect(await errorCount('userPreference', '401')).toBe(before.unauthorized + 1);
    expect(await errorCount('quotes', '429')).toBe(before.limited + 1);
    expect(await errorCount('transactions', '500')).toBe(before.failed + 3);
    expect(await errorCount('account', '404')).toBe(before.missing + 1);
    expect(await errorCount('markets', 'timeout')).toBe(before.silent + 2);
  });

  it('a replay of the recording stores exactly the same rest_error rows', async () => {
    await pipeline.stop();
    stopped = true;
    const replay = await Pipeline.open({
      pool: replayed.pool, recordingId: writer.id, recordingPath: writer.folder, logger,
      buffers: { flushRows: 1000, maxRows: 100_000, maxBytes: 1 << 26 }, flushIntervalMs: 20, retry: { initialDelayMs: 10, maxDelayMs: 100 },
    });
    await replay.replay();
    const replayedRows = await events(replayed);
    expect(replayedRows).toHaveLength(8);
    expect(replayedRows).toEqual(await events(live));
  });
});
