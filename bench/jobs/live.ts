// The real `record` path: startRecorder against the simulator (in its own process) over a WebSocket on loopback,
// exactly as a user runs it, with the onCommit hook for receive→commit latency. After a warm-up, a window of
// `seconds` is measured: rows committed, lines journaled, recorder CPU, latency of the rows received in it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Config } from '../../src/config/schema.js';
import { createPool } from '../../src/db/connect.js';
import { startEmbedded, stopEmbedded } from '../../src/db/embedded.js';
import { flushFailures } from '../../src/metrics/registry.js';
import type { CommitInfo } from '../../src/pipeline/pipeline.js';
import { startRecorder } from '../../src/recorder/recorder.js';
import { MarketSchedule } from '../../src/schedule/market-hours.js';
import { OAuthClient } from '../../src/schwab/oauth.js';
import { TokenManager } from '../../src/schwab/token-manager.js';
import { TokenStore } from '../../src/schwab/token-store.js';
import type { SimulatorCredentials } from '../../src/sim/index.js';
import { createLogger } from '../../src/log/logger.js';
import { readRecording } from '../../src/recording/reader.js';
import { countRows, silent, withClient } from '../db.js';
import { LatencyRecorder, RssSampler, cpuSecondsSince, type Percentiles } from '../measure.js';
import { defaultConfig } from './settings.js';
import type { JobOutput, JobSpec, LiveSpec } from './types.js';

const SERVICE_TABLES: Record<string, string> = { LEVELONE_EQUITIES: 'equity_quotes', LEVELONE_OPTIONS: 'option_quotes' };
/** The stream keys of services no live workload streams. */
const UNUSED_SERVICES = {
  futures: [], futuresOptions: [], forex: [], chartFutures: [], nyseBook: [], nasdaqBook: [], optionsBook: [], screenerEquity: [], screenerOption: [],
} satisfies Partial<Config['stream']>;
/** BENCH_LOG=info (or debug) shows the recorder's own log of a live job on stderr. */
const recorderLogger = process.env['BENCH_LOG'] ? createLogger({ level: process.env['BENCH_LOG'] as 'info' }) : silent;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface SimHandle {
  info: { baseUrl: string; credentials: SimulatorCredentials; redirectUrl: string };
  command(text: string): void;
  stop(): Promise<{ itemsSent: Record<string, number>; commands: Record<string, number>; cpuSeconds: number }>;
}

async function spawnSimulator(live: LiveSpec): Promise<SimHandle> {
  const options = {
    port: 0, seed: 1, updatesPerSecond: live.updatesPerSecond, itemRing: 50_000, heartbeatIntervalMs: 10_000,
    symbols: [...new Set([...live.equities, ...live.chartEquities])],
    underlyings: [...new Set(['SPY', ...(live.chainUnderlyings ?? [])])],
    maxKeysPerService: Math.max(500, live.options.length, live.equities.length),
    chartBarIntervalMs: live.chartBarIntervalMs ?? 60_000, orderIntervalMs: live.orderIntervalMs ?? null,
  };
  // BENCH_SIM_NODE_ARGS (e.g. "--cpu-prof") goes to the simulator's node: to see where its CPU goes.
  const nodeArgs = process.env['BENCH_SIM_NODE_ARGS']?.split(' ').filter(Boolean) ?? [];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(import.meta.dirname, '..', 'sim-process.ts'), JSON.stringify(options)], {
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
  // Only the workload's services: config/default.json's futures, forex, books and screeners (so a fresh demo fills
  // every table) are not part of (a), (b) or (d), and their frames would change what each measures.
  Object.assign(config.stream, {
    ...UNUSED_SERVICES,
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
  // The pool `record` uses (error listeners on idle and checked-out clients: the outage run stops the server).
  const pool = createPool(spec.url, config, recorderLogger);
  const schedule = new MarketSchedule({ settings: config.schedule, fixed: { open: true, why: 'simulated-feed' }, logger: silent });
  const recorder = await startRecorder(config, pool, recorderLogger, { schedule, onCommit: (c) => commits.push(c) });
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
    // Equal when the final flush committed everything journaled; the recording holds the rest otherwise.
    const seqs = { committedSeqAtStop: recorder.pipeline.committedSeq, recordedSeqAtStop: recorder.writer.lastSeq };
    const simStats = await sim.stop();
    const seconds = (window.end - window.start) / 1000;
    const tables = Object.entries(SERVICE_TABLES).filter(([service]) => (simStats.itemsSent[service] ?? 0) > 0);
    const stored = await countRows(spec.url, tables.map(([, table]) => table));
    const offered = tables.reduce((n, [service]) => n + (simStats.itemsSent[service] ?? 0), 0);
    const storedRows = Object.values(stored.rows).reduce((a, b) => a + b, 0);
    const journal = await journalCheck(spec.url, recorder.writer.folder);
    const measured = measureWindow(commits, window.start, window.end, live.perMinute === true);
    return {
      rows: measured.rowsCommitted, seconds, cpuSeconds, lines, rejected: recorder.pipeline.totals.rejected + stored.rejected,
      latency: live.outage ? undefined : measured.latency, minutes: measured.minutes, simulatorCpuSeconds: simStats.cpuSeconds,
      extra: {
        peakRssWindowMb: Math.round(peakWindowRss), levelOneOffered: offered, levelOneStored: storedRows,
        simCommands: Object.entries(simStats.commands).map(([k, n]) => `${k}×${n}`).join(', '),
        lost: offered - storedRows, levelOneJournaled: journal.journaled, linesShort: journal.missing.length,
        linesShortRanges: ranges(journal.missing).slice(0, 5).join(' '), flushFailures: (await flushFailures.get()).values[0]?.value ?? 0, ...seqs, ...(outage ?? {}),
      },
    };
  } finally {
    rss.stop();
    if (process.env['BENCH_TRACE']) await writeTrace(process.env['BENCH_TRACE'], commits);
    await pool.end().catch(() => undefined);
    await rm(tokenDir, { recursive: true, force: true });
  }
}

/**
 * Level-one items per recording line against the rows stored per seq: lines whose rows are not all in the database
 * (a loss inside the recorder, as opposed to frames that never reached its journal).
 */
async function journalCheck(url: string, folder: string): Promise<{ journaled: number; missing: number[] }> {
  const want = new Map<number, number>();
  for await (const line of readRecording(folder)) {
    if (line.type !== 'ws') continue;
    const data = (line.frame as { data?: Array<{ service: string; content?: unknown[] }> }).data ?? [];
    const items = data.filter((d) => d.service in SERVICE_TABLES).reduce((n, d) => n + (d.content?.length ?? 0), 0);
    if (items > 0) want.set(line.seq, items);
  }
  const have = new Map<number, number>();
  await withClient(url, async (c) => {
    for (const table of Object.values(SERVICE_TABLES)) {
      for (const r of (await c.query<{ seq: string; n: number }>(`SELECT seq, count(*)::int AS n FROM ${table} GROUP BY seq`)).rows) {
        have.set(Number(r.seq), (have.get(Number(r.seq)) ?? 0) + r.n);
      }
    }
  });
  const missing = [...want].filter(([seq, n]) => (have.get(seq) ?? 0) < n).map(([seq]) => seq);
  return { journaled: [...want.values()].reduce((a, b) => a + b, 0), missing };
}

function ranges(seqs: readonly number[]): string[] {
  const out: string[] = [];
  for (let k = 0; k < seqs.length; k++) {
    let j = k;
    while (j + 1 < seqs.length && seqs[j + 1] === seqs[j]! + 1) j++;
    out.push(j === k ? `${seqs[k]}` : `${seqs[k]}-${seqs[j]}`);
    k = j;
  }
  return out;
}

/** BENCH_TRACE=<file>: one line per commit (time, rows, oldest and newest line's latency), to see where a tail comes from. */
async function writeTrace(file: string, commits: readonly CommitInfo[]): Promise<void> {
  const t0 = commits[0]?.committedAt ?? 0;
  const lines = commits.map((c) => {
    const rows = c.lineRows.reduce((a, b) => a + b, 0);
    const oldest = c.lineTs.length > 0 ? c.committedAt - c.lineTs[0]! : 0;
    const newest = c.lineTs.length > 0 ? c.committedAt - c.lineTs.at(-1)! : 0;
    return `${c.committedAt - t0}\t${rows}\t${oldest}\t${newest}`;
  });
  await writeFile(file, `ms\trows\toldest_ms\tnewest_ms\n${lines.join('\n')}\n`);
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
