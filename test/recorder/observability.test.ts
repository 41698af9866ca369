import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/connect.js';
import { createLogger } from '../../src/log/logger.js';
import { startRecorder, type Recorder } from '../../src/recorder/recorder.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { recorderConfig } from '../support/recorder-config.js';

const PROMTOOL = '/usr/bin/promtool';

/** Sum of the samples of `name` whose labels include every `labels` pair. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const labelText = match[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) sum += Number(match[3]);
  }
  return sum;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('/metrics, /healthz and /readyz of a recorder fed by the simulator', () => {
  let db: TestDatabase;
  let dir: string;
  let pool: pg.Pool;
  let recorder: Recorder;
  const scrape = async () => (await fetch(`${recorder.url}/metrics`)).text();
  const ready = async () => {
    const response = await fetch(`${recorder.url}/readyz`);
    return { status: response.status, body: await response.json() as { ready: boolean; reasons: string[] } & Record<string, unknown> };
  };
  const readyAgain = () => until('/readyz 200', async () => ((await ready()).status === 200 ? true : undefined));

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'observability-test-'));
    const config = await recorderConfig(dir, db.url, {
      http: { port: 0, host: '127.0.0.1' },
      simulator: { updatesPerSecond: 200, heartbeatIntervalMs: 500, orderIntervalMs: 2000 },
      stream: { reconnect: { initialDelayMs: 200, maxDelayMs: 1000, healthyAfterMs: 60_000 } },
      snapshots: { chains: { underlyings: [] } },
    });
    const logger = createLogger({ level: 'silent' });
    pool = createPool(db.url, config, logger);
    pool.on('error', () => undefined);
    recorder = await startRecorder(config, pool, logger);
  }, 60_000);
  afterAll(async () => {
    await recorder?.stop();
    await pool?.end();
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('is alive and, once streaming, ready with the detail in JSON', async () => {
    const health = await fetch(`${recorder.url}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, 'ok\n']);
    await readyAgain();
    const { body } = await ready();
    expect(body).toMatchObject({
      ready: true, reasons: [],
      schedule: { open: true, why: 'simulated-feed', next: null },
      stream: { state: 'streaming', connected: true, subscribed: true },
      database: { writable: true },
      backlog: { bound: 60 },
    });
  });

  it('shows the reconnect, the rows written and the commit latency move across a forced disconnect', async () => {
    await readyAgain();
    await until('rows committed', async () => (sample(await scrape(), 'recorder_rows_written_total', { table: 'equity_quotes' }) > 0 ? true : undefined));
    const before = await scrape();
    recorder.simulator!.faults.dropSockets();
    const after = await until('reconnect, rows and latency to move', async () => {
      const text = await scrape();
      const moved = sample(text, 'schwab_stream_reconnects_total') > sample(before, 'schwab_stream_reconnects_total')
        && sample(text, 'recorder_rows_written_total', { table: 'equity_quotes' }) > sample(before, 'recorder_rows_written_total', { table: 'equity_quotes' })
        && sample(text, 'recorder_receive_to_commit_seconds_count') > sample(before, 'recorder_receive_to_commit_seconds_count');
      return moved && recorder.session.state === 'streaming' ? text : undefined;
    });
    // Rows keep arriving after the reconnect, not only from before it.
    const reconnected = await scrape();
    await until('rows after the reconnect', async () => (
      sample(await scrape(), 'recorder_rows_written_total', { table: 'equity_quotes' }) > sample(reconnected, 'recorder_rows_written_total', { table: 'equity_quotes' }) ? true : undefined));
    expect(sample(after, 'schwab_stream_connected')).toBe(1);
    expect(sample(after, 'recorder_schedule_open')).toBe(1);
    expect(sample(after, 'recorder_schedule_idle_reason', { reason: 'simulated-feed' })).toBe(1);
    // Every data block's send time against its receive time: the feed's delay by service.
    expect(sample(after, 'schwab_stream_delay_seconds_count', { service: 'LEVELONE_EQUITIES' })).toBeGreaterThan(0);
    expect(sample(after, 'schwab_stream_delay_seconds_bucket', { service: 'LEVELONE_EQUITIES', le: '+Inf' }))
      .toBe(sample(after, 'schwab_stream_delay_seconds_count', { service: 'LEVELONE_EQUITIES' }));
  });

  it('passes promtool check metrics', async (context) => {
    if (!existsSync(PROMTOOL)) {
      context.skip(`${PROMTOOL} is absent: install Debian's prometheus package (.ci/run does) to run this check`);
      return;
    }
    const text = await scrape();
    const result = await new Promise<{ code: number; output: string }>((resolve) => {
      const child = execFile(PROMTOOL, ['check', 'metrics'], (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` });
      });
      child.stdin?.end(text);
    });
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  });

  it('answers 503 with the reason while the session is not connected', async () => {
    await readyAgain();
    recorder.simulator!.faults.denyLogins(1_000_000);
    recorder.simulator!.faults.dropSockets();
    const down = await until('/readyz 503 (stream)', async () => {
      const answer = await ready();
      return answer.status === 503 ? answer.body : undefined;
    });
    expect(down.ready).toBe(false);
    expect(down.reasons.join('; ')).toMatch(/stream not (connected|subscribed)/);
    recorder.simulator!.faults.denyLogins(0);
    await readyAgain();
  });

  it('answers 503 with the reason while the database is down, and 200 again after', async () => {
    await readyAgain();
    await db.admin.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS false`);
    await db.admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [db.name]);
    try {
      const down = await until('/readyz 503 (database)', async () => {
        const answer = await ready();
        return answer.status === 503 && answer.body.reasons.some((r) => r.startsWith('database not writable')) ? answer.body : undefined;
      });
      expect(down).toMatchObject({ ready: false, database: { writable: false } });
      expect(sample(await scrape(), 'recorder_flush_failures_total')).toBeGreaterThanOrEqual(0);
    } finally {
      await db.admin.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`);
    }
    await readyAgain();
  });
});
