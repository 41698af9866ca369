// Every PromQL expression of the recorder-health dashboard runs against a real Prometheus (Debian's package) scraping
// a recorder fed by the simulator every second, and returns data. The session includes a dropped socket, REST 503s and
// an invalid frame, so the error panels have something to show.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registry } from '../../src/metrics/registry.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { freePort } from '../support/server.js';
import { loadDashboard, queryPanels } from './dashboards.js';
import { startSimulatedSession, type Session } from './session.js';

const PROMETHEUS = ['/usr/bin/prometheus', '/usr/local/bin/prometheus'].find((p) => existsSync(p));
const RATE_INTERVAL = '15s';

const exprs = queryPanels(loadDashboard('recorder-health.json'))
  .flatMap((p) => (p.targets ?? []).filter((t) => t.expr).map((t) => ({ title: `${p.title} ${t.refId}`, expr: t.expr as string })));

if (!PROMETHEUS) {
  console.warn('promql.test.ts skipped: no prometheus binary (/usr/bin/prometheus). Install Debian\'s package: '
    + 'apt-get install -y --no-install-recommends prometheus (.ci/run does it when absent).');
}

describe.skipIf(!PROMETHEUS)('recorder-health PromQL against a real Prometheus', () => {
  let db: TestDatabase;
  let session: Session | undefined;
  let metricsServer: http.Server | undefined;
  let prometheus: ChildProcess | undefined;
  let prometheusLog = '';
  let dir: string;
  let api: string;
  let scrapeTarget: string;
  let scrapedFrom: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'promql-test-'));
    session = await startSimulatedSession(db.url);
    const recorderUrl = (session.recorder as unknown as { url?: unknown }).url;
    if (typeof recorderUrl === 'string') {
      scrapeTarget = new URL(recorderUrl).host;
      scrapedFrom = 'the recorder\'s own HTTP server';
    } else {
      // The recorder has no HTTP server of its own (yet): serve the process-global registry the recorder writes to.
      metricsServer = http.createServer((_, res) => {
        registry.metrics().then((body) => {
          res.writeHead(200, { 'content-type': registry.contentType });
          res.end(body);
        }, (error: unknown) => {
          res.writeHead(500);
          res.end(String(error));
        });
      });
      await new Promise<void>((resolve) => metricsServer?.listen(0, '127.0.0.1', resolve));
      const address = metricsServer.address();
      if (address === null || typeof address === 'string') throw new Error('no metrics address');
      scrapeTarget = `127.0.0.1:${address.port}`;
      scrapedFrom = 'a test-local server of the registry';
    }
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    await writeFile(path.join(dir, 'prometheus.yml'), [
      'global:', '  scrape_interval: 1s', '  evaluation_interval: 1s',
      'scrape_configs:', '  - job_name: schwab-recorder', '    static_configs:', `      - targets: ['${scrapeTarget}']`, '',
    ].join('\n'));
    prometheus = spawn(PROMETHEUS as string, [
      `--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`, '--storage.tsdb.retention.time=1h',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    prometheus.stdout?.on('data', (d: Buffer) => { prometheusLog += d.toString(); });
    prometheus.stderr?.on('data', (d: Buffer) => { prometheusLog += d.toString(); });
    await waitFor(async () => (await fetch(`${api}/-/ready`)).ok, 20_000, () => `Prometheus not ready:\n${prometheusLog.slice(-2000)}`);

    const faults = session.recorder.simulator?.faults;
    if (!faults) throw new Error('the recorder is not on the simulator');
    await sleep(3000);
    faults.sendInvalidJson(); // a rejected frame
    await sleep(1000);
    faults.dropSockets(); // a reconnect
    faults.restFailures(503, 2); // REST retries
    await sleep(8000);
    const { rows } = await db.pool.query('SELECT table_name, reason FROM rejected_rows');
    if (rows.length === 0) throw new Error('the invalid frame was not quarantined');
    // The scrape target is up and Prometheus has seen the recorder's own metrics.
    await waitFor(async () => (await query('up{job="schwab-recorder"} == 1')).length > 0, 10_000, () => 'scrape target not up');
  }, 120_000);

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus?.once('exit', resolve));
      prometheus.kill('SIGTERM');
      await Promise.race([exited, sleep(5000)]);
      if (prometheus.exitCode === null) prometheus.kill('SIGKILL');
    }
    await session?.stop();
    await new Promise<void>((resolve) => (metricsServer ? metricsServer.close(() => resolve()) : resolve()));
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function query(expr: string): Promise<unknown[]> {
    const response = await fetch(`${api}/api/v1/query?${new URLSearchParams({ query: expr })}`);
    const body = await response.json() as { status: string; error?: string; data?: { resultType: string; result: unknown[] } };
    if (body.status !== 'success') throw new Error(`${expr}: ${body.error ?? response.status}`);
    return body.data?.result ?? [];
  }

  it('has expressions to run', () => {
    expect(exprs.length).toBeGreaterThan(20);
  });

  it.each(exprs)('$title returns data', async ({ expr }) => {
    const result = await query(expr.replaceAll('$__rate_interval', RATE_INTERVAL));
    expect(result.length, `${expr} (scraped from ${scrapedFrom})`).toBeGreaterThan(0);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, message: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(message());
    await sleep(250);
  }
}
