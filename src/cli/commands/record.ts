import type { Command } from 'commander';
import { createPool, redactUrl, resolveDatabase } from '../../db/connect.js';
import { startRecorder, type Recorder } from '../../recorder/recorder.js';
import type { CliContext } from '../context.js';

/** A clean stop (final flush, segment closed) must finish within this, or the process exits 1. */
const STOP_BOUND_MS = 20_000;
const STATUS_INTERVAL_MS = 2000;

export function registerRecordCommand(program: Command, ctx: CliContext): void {
  program.command('record')
    .description('the main job: record the Schwab streamer and REST snapshots into PostgreSQL (the built-in simulator when no credentials are configured)')
    .option('--status', 'print a one-line status every 2 s (default when stderr is a terminal)')
    .action((options: { status?: boolean }) => record(ctx, options.status ?? process.stderr.isTTY));
}

async function record(ctx: CliContext, showStatus: boolean): Promise<void> {
  const config = ctx.config();
  const logger = ctx.logger();
  // Listening from the start: a SIGTERM during startup must still end in a clean stop, not the default kill.
  const signalled = nextSignal();
  const database = await resolveDatabase(config, logger);
  const pool = createPool(database.url, config, logger);
  let recorder: Recorder | undefined;
  try {
    recorder = await startRecorder(config, pool, logger);
    if (recorder.simulator) banner(recorder.simulator.baseUrl);
    process.stderr.write(`recording ${recorder.writer.id} into ${redactUrl(database.url)}\n`);
    process.stderr.write(`  psql:       psql "$(npm run -s cli -- db url)"\n  recording:  ${recorder.writer.folder}\n`);
    process.stderr.write(`  metrics:    ${recorder.url}/metrics   (health ${recorder.url}/healthz, readiness ${recorder.url}/readyz)\n`
      + `  schedule:   ${recorder.schedule.open ? 'streaming' : 'idle'} (${recorder.schedule.current.why})\n`);
    const status = showStatus ? setInterval(() => printStatus(recorder!), STATUS_INTERVAL_MS) : null;
    const signal = await Promise.race([signalled, recorder.done.then(() => 'session ended')]);
    if (status) clearInterval(status);
    logger.info({ signal }, 'stopping: final flush');
    await boundedStop(recorder);
  } finally {
    await recorder?.stop();
    await pool.end();
    await database.release();
  }
}

function banner(url: string): void {
  const line = '!'.repeat(100);
  process.stderr.write(`${line}\n!!  SIMULATED FEED — no Schwab credentials configured (SCHWAB_APP_KEY / SCHWAB_APP_SECRET).\n`
    + `!!  Recording the built-in Schwab simulator at ${url}, not the market.\n${line}\n`);
}

/** Resolves with the name of the first SIGINT/SIGTERM. */
function nextSignal(): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

async function boundedStop(recorder: Recorder): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`could not stop cleanly within ${STOP_BOUND_MS / 1000} s`)), STOP_BOUND_MS);
  });
  try {
    await Promise.race([recorder.stop(), bound]);
  } finally {
    clearTimeout(timer);
  }
}

function printStatus(recorder: Recorder): void {
  const { pipeline, session, writer } = recorder;
  const rows = Object.values(pipeline.totals.written).reduce((a, b) => a + b, 0);
  const backlog = writer.lastSeq - pipeline.committedSeq;
  process.stderr.write(`\r${session.state.padEnd(11)} | ${pipeline.mode.padEnd(7)} | recorded ${writer.lastSeq} lines | `
    + `committed ${pipeline.committedSeq} | backlog ${backlog} | ${rows} rows written  `);
}
