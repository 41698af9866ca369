import { setTimeout as sleep } from 'node:timers/promises';
import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { migrate } from '../../db/migrations.js';
import { Pipeline, type PipelineTotals } from '../../pipeline/pipeline.js';
import type { DataLine } from '../../recording/format.js';
import { readRecording, recordingIdentity } from '../../recording/reader.js';
import type { CliContext } from '../context.js';
import { printRows } from '../output.js';
import { withDatabase } from '../with-database.js';

type Speed = number | 'max';

export function registerReplayCommand(program: Command, ctx: CliContext): void {
  program.command('replay')
    .description('load a recording (a folder of segments or one .ndjson / .ndjson.gz file) into the database; a second replay adds nothing')
    .argument('<path>', 'recording folder or file')
    .option('--speed <speed>', 'replay speed: 1 (as recorded), 10 (ten times faster), ... or max', parseSpeed, 'max' as Speed)
    .option('--database-url <url>', 'write to this database instead of the configured one')
    .action((target: string, options: { speed: Speed; databaseUrl?: string }) => replay(ctx, target, options));
}

async function replay(ctx: CliContext, target: string, options: { speed: Speed; databaseUrl?: string }): Promise<void> {
  const base = ctx.config();
  const config = options.databaseUrl ? { ...base, database: { ...base.database, url: options.databaseUrl } } : base;
  const logger = ctx.logger();
  const recordingId = await recordingIdentity(target);
  const started = performance.now();
  const totals = await withDatabase(config, logger, async (pool) => {
    await migrate(pool);
    const progress = process.stderr.isTTY ? await progressBar(target) : null;
    const pipeline = await Pipeline.open({
      pool, recordingId, recordingPath: target, logger,
      buffers: { flushRows: config.pipeline.flushRows, maxRows: config.pipeline.maxBufferedRows, maxBytes: config.pipeline.maxBufferedBytes },
      flushIntervalMs: config.pipeline.flushIntervalMs,
      retry: { initialDelayMs: config.pipeline.retryInitialDelayMs, maxDelayMs: config.pipeline.retryMaxDelayMs },
      pace: pacer(options.speed, progress),
    });
    try {
      return await pipeline.replay();
    } finally {
      progress?.stop();
    }
  });
  printSummary(recordingId, totals, (performance.now() - started) / 1000);
}

function parseSpeed(value: string): Speed {
  if (value === 'max') return 'max';
  const speed = Number(value);
  if (!Number.isFinite(speed) || speed <= 0) throw new InvalidArgumentError('expected a positive number or "max"');
  return speed;
}

/** Waits so that lines are decoded at `speed` times the pace they were recorded at; ticks the progress bar. */
function pacer(speed: Speed, progress: SingleBar | null): (line: DataLine) => Promise<void> {
  let first: { ts: number; at: number } | null = null;
  let lines = 0;
  return async (line) => {
    lines += 1;
    if (lines % 500 === 0) progress?.update(lines);
    if (speed === 'max') return;
    first ??= { ts: line.ts, at: performance.now() };
    const due = first.at + (line.ts - first.ts) / speed;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
  };
}

/** A bar over the recording's line count (one quick pass to count), with rate and ETA. */
async function progressBar(target: string): Promise<SingleBar> {
  let total = 0;
  for await (const line of readRecording(target)) if (line.type !== 'meta') total += 1;
  const bar = new SingleBar({
    format: 'replay [{bar}] {percentage}% | {value}/{total} lines | {speed} lines/s | ETA {eta_formatted}',
    stream: process.stderr,
    hideCursor: true,
  }, Presets.shades_classic);
  bar.start(total, 0, { speed: 'N/A' });
  const started = performance.now();
  const timer = setInterval(() => {
    const seconds = (performance.now() - started) / 1000;
    bar.update({ speed: Math.round(bar.getProgress() * total / Math.max(seconds, 0.001)) });
  }, 1000);
  const stop = bar.stop.bind(bar);
  bar.stop = () => { clearInterval(timer); bar.update(total); stop(); };
  return bar;
}

function printSummary(recordingId: string, totals: PipelineTotals, seconds: number): void {
  const rows = Object.entries(totals.written).sort(([a], [b]) => a.localeCompare(b)).map(([table, n]) => ({ table, rows: n }));
  console.log(`recording ${recordingId}: ${totals.lines} lines replayed in ${seconds.toFixed(1)} s`);
  printRows([...rows, { table: '(rejected)', rows: totals.rejected }]);
}
