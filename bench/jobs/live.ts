// The real `record` path: startRecorder against the simulator (in its own process) over a WebSocket on loopback,
// exactly as a user runs it, with the onCommit hook for receive→commit latency. After a warm-up, a window of
// `seconds` is measured: rows committed, lines journaled, recorder CPU, latency of the rows received in it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { startEmbedded, stopEmbedded } from '../../src/db/embedded.js';
import type { CommitInfo } from '../../src/pipeline/pipeline.js';
import { startRecorder } from '../../src/recorder/recorder.js';
import { MarketSchedule } from '../../src/schedule/market-hours.js';
import { OAuthClient } from '../../src/schwab/oauth.js';
import { TokenManager } from '../../src/schwab/token-manager.js';
import { TokenStore } from '../../src/schwab/token-store.js';
import type { SimulatorCredentials } from '../../src/sim/index.js';
import { countRows, silent } from '../db.js';
import { LatencyRecorder, RssSampler, cpuSecondsSince, type Percentiles } from '../measure.js';
import { defaultConfig } from './settings.js';
import type { JobOutput, JobSpec, LiveSpec } from './types.js';

const SERVICE_TABLES: Record<string, string> = { LEVELONE_EQUITIES: 'equity_quotes', LEVELONE_OPTIONS: 'option_quotes' };
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface SimHandle {
  info: { baseUrl: string; credentials: SimulatorCredentials; redirectUrl: string };
  command(text: string): void;
  stop(): Promise<{ itemsSent: Record<string, number>; cpuSeconds: number }>;
}

async function spawnSimulator(live: LiveSpec): Promise<SimHandle> {
  const options = {
    port: 0, seed: 1, updatesPerSecond: live.updatesPerSecond, heartbeatIntervalMs: 10_000,
    symbols: [...new Set([...live.equities, ...live.chartEquities])],
    underlyings: [...new Set(['SPY', ...(live.chainUnderlyings ?? [])])],
    maxKeysPerService: Math.max(500, live.options.length, live.equities.length),
    chartBarIntervalMs: live.chartBarIntervalMs ?? 60_000, orderIntervalMs: live.orderIntervalMs ?? null,
  };
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, '..', 'sim-process.ts'), JSON.stringify(options)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done) throw new Error('the simulator process exited before it was ready');
  return {
    info: JSON.parse(first.value as string),
    command: (text) => child.stdin!.write(`${text}\n`),
    stop: async () => {
      child.stdin!.write('stop\n');
      const last = await lines.next();
      return JSON.parse(last.value as string);
    },
  };
}

function recorderConfig(spec: JobSpec, live: LiveSpec, sim: SimHandle['info'], tokenFile: string) {
  const config = defaultConfig();
  config.database.url = spec.url;
  Object.assign(config.schwab, { ...sim.credentials, apiBaseUrl: sim.baseUrl, tokenFile });
  Object.assign(config.stream, {
    equities: live.equities, options: live.options, chartEquities: live.chartEquities, accountActivity: live.accountActivity,
    maxKeysPerService: Math.max(500, live.options.length, live.equities.length),
  });
  config.snapshots.chains.underlyings = live.chainUnderlyings ?? [];
  config.snapshots.chains.intervalMs = live.chainIntervalMs ?? 3_600_000;
  config.snapshots.orders.pollIntervalMs = live.ordersPollMs ?? 3_600_000;
  config.snapshots.transactions.pollIntervalMs = 3_600_000;
  config.recording.dir = live.recordingsDir;
  config.http = { ...config.http, port: 0, host: '127.0.0.1' };
  config.schedule.enabled = false;
  config.log.level = 'silent';
  return config;
}

export async function liveJob(spec: JobSpec): Promise<JobOutput> {
  const live = spec.live!;
  const sim = await spawnSimulator(live);
  const tokenDir = await mkdtemp(path.join(os.tmpdir(), 'bench-tokens-'));
  const config = recorderConfig(spec, live, sim.info, path.join(tokenDir, 'tokens.json'));
  const settings = { ...config.schwab, ...sim.info.credentials };
  const tokens = new TokenManager({ settings, store: new TokenStore(settings.tokenFile, { logger: silent }), oauth: new OAuthClient(settings, { logger: silent }), logger: silent });
  await tokens.login(sim.info.redirectUrl);

  const commits: CommitInfo[] = [];
  const pool = new pg.Pool({ connectionString: spec.url, max: config.database.pool.max });
  pool.on('error', () => undefined); // idle clients die with the server in the outage run
  const schedule = new MarketSchedule({ settings: config.schedule, fixed: { open: true, why: 'simulated-feed' }, logger: silent });
  const recorder = await startRecorder(config, pool, silent, { schedule, onCommit: (c) => commits.push(c) });
  recorder.done.catch(() => undefined);
  const rss = new RssSampler();
  try {
    await sleep(live.warmupSeconds * 1000);
    const window = { start: Date.now(), end: 0, cpu: process.cpuUsage(), seq: recorder.writer.lastSeq };
    rss.reset();
    const outage = live.outage ? await runWithOutage(live, rss) : (await sleep(live.seconds * 1000), undefined);
    window.end = Date.now();
    const cpuSeconds = cpuSecondsSince(window.cpu);
    const lines = recorder.writer.lastSeq - window.seq;
    const peakWindowRss = rss.peakMb;
    // Quiesce: no more data from the simulator, then the recorder's final flush commits all it journaled.
    sim.command('silence on');
    await sleep(1000);
    await recorder.stop();
    const simStats = await sim.stop();
    const seconds = (window.end - window.start) / 1000;
    const tables = Object.entries(SERVICE_TABLES).filter(([service]) => (simStats.itemsSent[service] ?? 0) > 0);
    const stored = await countRows(spec.url, tables.map(([, table]) => table));
    const offered = tables.reduce((n, [service]) => n + (simStats.itemsSent[service] ?? 0), 0);
    const storedRows = Object.values(stored.rows).reduce((a, b) => a + b, 0);
    const measured = measureWindow(commits, window.start, window.end, live.perMinute === true);
    return {
      rows: measured.rowsCommitted, seconds, cpuSeconds, lines, rejected: recorder.pipeline.totals.rejected + stored.rejected,
      latency: live.outage ? undefined : measured.latency, minutes: measured.minutes, simulatorCpuSeconds: simStats.cpuSeconds,
      extra: {
        peakRssWindowMb: Math.round(peakWindowRss), levelOneOffered: offered, levelOneStored: storedRows,
        lost: offered - storedRows, ...(outage ?? {}),
      },
    };
  } finally {
    rss.stop();
    await pool.end().catch(() => undefined);
    await rm(tokenDir, { recursive: true, force: true });
  }
}

/** PostgreSQL stopped (fast shutdown) `afterSeconds` into the window for `outageSeconds`, then started again. */
async function runWithOutage(live: LiveSpec, rss: RssSampler): Promise<Record<string, number>> {
  const o = live.outage!;
  const options = { dataDir: o.dataDir, port: o.port, user: 'postgres', password: o.password, database: 'postgres' };
  await sleep(o.afterSeconds * 1000);
  const before = rss.peakMb;
  await stopEmbedded(o.dataDir, silent, 'fast');
  rss.reset();
  await sleep(o.outageSeconds * 1000);
  const during = rss.peakMb;
  await startEmbedded(options, silent);
  const restartedAt = Date.now();
  await sleep(Math.max(0, live.seconds - o.afterSeconds - o.outageSeconds) * 1000);
  return { peakRssBeforeOutageMb: Math.round(before), peakRssDuringOutageMb: Math.round(during), restartedAt };
}

/** Rows committed in the window, and the latency of the rows received in it (row-weighted, per minute if asked). */
function measureWindow(commits: readonly CommitInfo[], start: number, end: number, perMinute: boolean): {
  rowsCommitted: number; latency: Percentiles; minutes?: Array<{ minute: number; p99: number; rows: number }>;
} {
  const all = new LatencyRecorder();
  const byMinute = new Map<number, LatencyRecorder>();
  let rowsCommitted = 0;
  for (const c of commits) {
    for (let i = 0; i < c.lineTs.length; i++) {
      const ts = c.lineTs[i]!;
      const rows = c.lineRows[i]!;
      if (c.committedAt >= start && c.committedAt < end) rowsCommitted += rows;
      if (ts < start || ts >= end) continue;
      all.add(c.committedAt - ts, rows);
      if (!perMinute) continue;
      const minute = Math.floor((ts - start) / 60_000);
      if (!byMinute.has(minute)) byMinute.set(minute, new LatencyRecorder());
      byMinute.get(minute)!.add(c.committedAt - ts, rows);
    }
  }
  const minutes = perMinute
    ? [...byMinute].sort((a, b) => a[0] - b[0]).map(([minute, r]) => ({ minute: minute + 1, p99: r.percentiles().p99, rows: r.rows }))
    : undefined;
  return { rowsCommitted, latency: all.percentiles(), minutes };
}
