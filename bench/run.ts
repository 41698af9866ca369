// `npm run bench`: the recorder's write path measured next to baselines on the same database and the same rows, in
// the same run, so ratios hold on a noisy machine. Workload (a) of the Benchmark issue: level-one equities for 500
// symbols, replayed from a recording at max speed, at 1×, 4× and 16× the volume.
//   recorder replay     recording → decode → buffers → COPY flushes with checkpoints (what `replay` does)
//   flush path          the same rows pre-decoded, through the recorder's flusher (no JSON, no decode)
//   psql \copy          the same rows pre-encoded in a file: PostgreSQL's own ceiling
//   multi-row INSERT    1000-row parameterised INSERTs via pg (what most recorders do)
import { execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import pg from 'pg';
import { TABLES, type Row } from '../src/decode/tables.js';
import { startEmbedded } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrations.js';
import { ensurePartitionsAhead } from '../src/db/partitions.js';
import { createLogger } from '../src/log/logger.js';
import { Buffers } from '../src/pipeline/buffers.js';
import { Flusher } from '../src/pipeline/flusher.js';
import { LineDecoder } from '../src/pipeline/line-decoder.js';
import { Pipeline } from '../src/pipeline/pipeline.js';
import { readRecording } from '../src/recording/reader.js';
import { encodeCopyText } from '../src/store/copy-text.js';

const logger = createLogger({ level: 'silent' });
const SYMBOLS = Array.from({ length: 500 }, (_, i) => `SYM${i}`);
const ITEMS_PER_FRAME = 10;
const BASE_ROWS = 200_000;
const SCALES = [1, 4, 16];
const T0 = Date.UTC(2026, 10, 25, 15, 0, 0);

interface Measure { rowsPerSecond: number; seconds: number; cpuSeconds: number; pgCpuSeconds: number; peakRssMb: number }

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'schwab-bench-'));
  await chmod(dir, 0o777);
  const server = await startEmbedded({ dataDir: path.join(dir, 'pg'), port: 55000 + Math.floor(Math.random() * 5000), user: 'postgres', password: 'bench', database: 'postgres' }, logger);
  const admin = new pg.Pool({ connectionString: server.url, max: 1 });
  const results: Array<{ scale: number; rows: number; name: string; m: Measure }> = [];
  try {
    await freshDatabase(admin, server.url, 'bench_template');
    for (const scale of SCALES) {
      const rows = BASE_ROWS * scale;
      const recording = await writeRecording(dir, rows);
      const replay = await measure(admin, server.url, 'bench_replay', (pool) => replayAll(pool, recording));
      results.push({ scale, rows, name: 'recorder replay (max speed)', m: replay });
      if (scale !== 1) continue;
      const decoded = await decodeAll(recording);
      results.push({ scale, rows, name: 'flush path, pre-decoded rows', m: await measure(admin, server.url, 'bench_flush', (pool) => flushAll(pool, decoded)) });
      const copyFile = path.join(dir, 'rows.copy');
      await writeFile(copyFile, encodeCopyText(TABLES.equity_quotes.columns, decoded));
      results.push({ scale, rows, name: 'ceiling: psql \\copy of the same rows', m: await measure(admin, server.url, 'bench_copy', async (_pool, url) => psqlCopy(url, copyFile)) });
      results.push({ scale, rows, name: 'baseline: 1000-row multi-row INSERT', m: await measure(admin, server.url, 'bench_insert', (pool) => insertAll(pool, decoded)) });
    }
  } finally {
    await admin.end();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
  await report(results);
}

async function freshDatabase(admin: pg.Pool, serverUrl: string, name: string, template?: string): Promise<string> {
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  if (!template) {
    const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
    await migrate(pool);
    await ensurePartitionsAhead(pool, { daily: 2, weekly: 1, monthly: 1 }, new Date(T0));
    await pool.end();
  }
  return url.toString();
}

/** A synthetic LEVELONE_EQUITIES recording: a snapshot per symbol, then deltas (bid/ask/last/volume/quote time). */
async function writeRecording(dir: string, rows: number): Promise<string> {
  const file = path.join(dir, `equities-${rows}.ndjson`);
  const out = createWriteStream(file);
  const frames = rows / ITEMS_PER_FRAME;
  for (let f = 0; f < frames; f++) {
    const ts = T0 + f * 2;
    const content = [];
    for (let k = 0; k < ITEMS_PER_FRAME; k++) {
      const i = f * ITEMS_PER_FRAME + k;
      const key = SYMBOLS[i % SYMBOLS.length];
      const px = 100 + (i % 97) / 100;
      content.push(i < SYMBOLS.length
        ? { key, delayed: false, assetMainType: 'EQUITY', assetSubType: 'COE', cusip: '000000000', 1: px, 2: px + 0.02, 3: px + 0.01, 4: 300, 5: 200, 8: 1000, 10: px + 1, 11: px - 1, 12: px, 15: `${key} INC`, 33: px + 0.01, 34: ts, 35: ts }
        : { key, 1: px, 2: px + 0.02, 3: px + 0.01, 8: 1000 + f, 34: ts });
    }
    const line = JSON.stringify({ seq: f + 1, ts, type: 'ws', frame: { data: [{ service: 'LEVELONE_EQUITIES', timestamp: ts, command: 'SUBS', content }] } });
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return file;
}

async function replayAll(pool: pg.Pool, recording: string): Promise<number> {
  const pipeline = await Pipeline.open({
    pool, recordingId: path.basename(recording), recordingPath: recording, logger,
    buffers: { flushRows: 10_000, maxRows: 200_000, maxBytes: 256 << 20 }, flushIntervalMs: 200, retry: { initialDelayMs: 100, maxDelayMs: 1000 },
  });
  const totals = await pipeline.replay();
  return totals.written.equity_quotes ?? 0;
}

async function decodeAll(recording: string): Promise<Row[]> {
  const rows: Row[] = [];
  const decoder = new LineDecoder({ row: (_t, row, seq) => rows.push({ ...row, seq }), snapshot: () => undefined, reject: () => undefined, event: () => undefined, unknown: () => undefined });
  for await (const line of readRecording(recording)) if (line.type !== 'meta') decoder.decode(line);
  return rows;
}

async function flushAll(pool: pg.Pool, rows: Row[]): Promise<number> {
  const flusher = new Flusher(pool, 'bench-flush');
  for (let i = 0; i < rows.length; i += 10_000) {
    const buffers = new Buffers({ maxRows: 1 << 30, maxBytes: 2 ** 50 });
    const part = rows.slice(i, i + 10_000);
    for (const row of part) buffers.row('equity_quotes', row, Number(row.seq));
    buffers.decoded(i + part.length, T0, 0);
    await flusher.flush(buffers.take());
  }
  return rows.length;
}

function psqlCopy(url: string, file: string): number {
  const columns = TABLES.equity_quotes.columns.map((c) => c.name).join(',');
  const out = execFileSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-c', `\\copy equity_quotes (${columns}) FROM '${file}'`], { encoding: 'utf8' });
  return Number(/COPY (\d+)/.exec(out)?.[1] ?? 0);
}

async function insertAll(pool: pg.Pool, rows: Row[]): Promise<number> {
  const columns = TABLES.equity_quotes.columns;
  const client = await pool.connect();
  try {
    for (let i = 0; i < rows.length; i += 1000) {
      const part = rows.slice(i, i + 1000);
      const values: unknown[] = [];
      const tuples = part.map((row, r) => `(${columns.map((c, k) => {
        const v = row[c.name] ?? null;
        values.push(c.type === 'timestamptz' && typeof v === 'number' ? new Date(v) : c.type === 'text[]' && Array.isArray(v) ? v : v);
        return `$${r * columns.length + k + 1}`;
      }).join(',')})`);
      await client.query(`INSERT INTO equity_quotes (${columns.map((c) => c.name).join(',')}) VALUES ${tuples.join(',')}`, values);
    }
  } finally {
    client.release();
  }
  return rows.length;
}

/** Runs `work` against a fresh copy of the template, with CPU of this process and of PostgreSQL, and peak RSS. */
async function measure(admin: pg.Pool, serverUrl: string, name: string, work: (pool: pg.Pool, url: string) => Promise<number> | number): Promise<Measure> {
  const url = await freshDatabase(admin, serverUrl, name, 'bench_template');
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  const pgBefore = await postgresCpuSeconds();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const rows = await work(pool, url);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const pgCpu = (await postgresCpuSeconds()) - pgBefore;
  clearInterval(sampler);
  await pool.end();
  return { rowsPerSecond: rows / seconds, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, pgCpuSeconds: pgCpu, peakRssMb: peak / 2 ** 20 };
}

/** utime+stime of every postgres process (Linux /proc), in seconds. */
async function postgresCpuSeconds(): Promise<number> {
  const ticks = 100; // USER_HZ on Linux
  let total = 0;
  const pids = (await readdir('/proc').catch(() => [] as string[])).filter((entry) => /^\d+$/.test(entry));
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const comm = /\(([^)]*)\)/.exec(stat)?.[1] ?? '';
    if (comm !== 'postgres') continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    total += (Number(fields[11]) + Number(fields[12])) / ticks;
  }
  return total;
}

async function report(results: Array<{ scale: number; rows: number; name: string; m: Measure }>): Promise<void> {
  const ceiling = results.find((r) => r.name.startsWith('ceiling'))?.m.rowsPerSecond ?? NaN;
  const header = '| workload | rows | rows/s | % of ceiling | seconds | recorder CPU s | PostgreSQL CPU s | peak RSS MB |';
  const lines = results.map((r) => `| ${r.name}${r.scale > 1 ? ` (${r.scale}×)` : ''} | ${r.rows} | ${Math.round(r.m.rowsPerSecond)} | ${(100 * r.m.rowsPerSecond / ceiling).toFixed(0)}% | ${r.m.seconds.toFixed(2)} | ${r.m.cpuSeconds.toFixed(2)} | ${r.m.pgCpuSeconds.toFixed(2)} | ${Math.round(r.m.peakRssMb)} |`);
  const table = [header, '| --- | --- | --- | --- | --- | --- | --- | --- |', ...lines].join('\n');
  console.log(table);
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, embedded PostgreSQL 17 (default settings)`;
  const doc = `# Benchmark ${new Date().toISOString()}\n\nMachine: ${machine}.\n\nWorkload (a): LEVELONE_EQUITIES, 500 symbols, ${ITEMS_PER_FRAME} items per frame, into the daily-partitioned, indexed \`equity_quotes\`; every run on a fresh copy of the same migrated database. Recorder settings: flushRows 10000.\n\n${table}\n`;
  await mkdir(path.join(import.meta.dirname, 'results'), { recursive: true });
  const file = path.join(import.meta.dirname, 'results', `${new Date().toISOString().slice(0, 10)}-workload-a.md`);
  await writeFile(file, doc);
  console.log(`\nwritten to ${path.relative(process.cwd(), file)}`);
}

await main();
