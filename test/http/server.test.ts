import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateReadiness, startHttpServer, type HttpServer, type Readiness, type ReadinessInputs } from '../../src/http/server.js';

const STREAMING: ReadinessInputs = {
  schedule: { open: true, why: 'in-session', next: '2026-01-15T16:15:00.000-05:00', source: 'schwab' },
  stream: { state: 'streaming', connected: true, missingServices: [] },
  database: { writable: true },
  backlog: { lines: 3, seconds: 0.2, bound: 60 },
  commits: { stuckSeconds: 0.1, failingSince: null, failure: null },
};

describe('readiness', () => {
  it('is ready while streaming with its subscriptions, the database writable and the backlog small', () => {
    expect(evaluateReadiness(STREAMING)).toMatchObject({ ready: true, reasons: [], stream: { connected: true, subscribed: true } });
  });

  it('is not ready, and says why, when the stream is down or unsubscribed in session, the database read-only, the backlog old', () => {
    expect(evaluateReadiness({ ...STREAMING, stream: { state: 'waiting', connected: false, missingServices: ['LEVELONE_EQUITIES'] } }))
      .toMatchObject({ ready: false, reasons: ['stream not connected (state waiting)'] });
    expect(evaluateReadiness({ ...STREAMING, stream: { state: 'streaming', connected: true, missingServices: ['CHART_EQUITY'] } }))
      .toMatchObject({ ready: false, reasons: ['stream not subscribed: CHART_EQUITY'] });
    expect(evaluateReadiness({ ...STREAMING, database: { writable: false, error: 'connection refused' } }))
      .toMatchObject({ ready: false, reasons: ['database not writable: connection refused'] });
    expect(evaluateReadiness({ ...STREAMING, backlog: { lines: 9000, seconds: 75, bound: 60 } }))
      .toMatchObject({ ready: false, reasons: ['backlog 75 s over the 60 s bound (9000 lines)'] });
  });

  it('is not ready while flushes fail, naming the failure and since when', () => {
    const failingSince = Date.parse('2026-12-03T15:00:00Z');
    expect(evaluateReadiness({ ...STREAMING, commits: { stuckSeconds: 4, failingSince, failure: '22P05: unsupported Unicode escape sequence' } }))
      .toMatchObject({ ready: false, reasons: ['flush failing since 2026-12-03T15:00:00.000Z: 22P05: unsupported Unicode escape sequence'] });
  });

  it('is ready while idle by schedule, with the reason, whatever the stream does', () => {
    const idle = evaluateReadiness({
      ...STREAMING, schedule: { open: false, why: 'holiday', next: '2026-11-27T06:45:00.000-05:00', source: 'calendar' },
      stream: { state: 'stopped', connected: false, missingServices: ['LEVELONE_EQUITIES'] },
    });
    expect(idle).toMatchObject({ ready: true, reasons: ['idle by schedule: holiday until 2026-11-27T06:45:00.000-05:00'], schedule: { open: false, why: 'holiday' } });
    expect(evaluateReadiness({ ...STREAMING, schedule: { ...idle.schedule, source: 'calendar' }, database: { writable: false } }).ready).toBe(false);
  });
});

describe('HTTP server', () => {
  let server: HttpServer;
  let readiness: Readiness = evaluateReadiness(STREAMING);

  beforeAll(async () => {
    server = await startHttpServer({ port: 0, host: '127.0.0.1', readiness: async () => readiness });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('serves /healthz, /metrics in the Prometheus text format, /readyz as JSON with 200 or 503, and 404 otherwise', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, 'ok\n']);
    const metrics = await fetch(`${server.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await metrics.text()).toContain('# TYPE process_cpu_seconds_total counter');
    let ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await ready.json()).toMatchObject({ ready: true, backlog: { bound: 60 } });
    readiness = evaluateReadiness({ ...STREAMING, database: { writable: false, error: 'down' } });
    ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ ready: false, reasons: ['database not writable: down'] });
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    expect((await fetch(`${server.url}/healthz`, { method: 'POST' })).status).toBe(405);
    expect(await (await fetch(`${server.url}/metrics`)).text()).toMatch(/recorder_http_requests_total\{path="\/readyz",code="503"\} 1/);
  });

  it('refuses to start on a port in use', async () => {
    const port = Number(new URL(server.url).port);
    await expect(startHttpServer({ port, host: '127.0.0.1', readiness: async () => readiness })).rejects.toThrow(/EADDRINUSE/);
  });
});
