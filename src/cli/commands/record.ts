import type { Command } from 'commander';
import { createPool, redactUrl, resolveDatabase } from '../../db/connect.js';
import type { Logger } from '../../log/logger.js';
import { startRecorder, type Recorder } from '../../recorder/recorder.js';
import type { CliContext } from '../context.js';
import { guardProcess } from '../process-guard.js';

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
  // Both from the start: a SIGTERM, or an exception anywhere (a timer, a socket handler), during startup must still
  // end in a clean stop, not node's default exit mid-write.
  const guard = guardProcess(logger);
  const signalled = nextSignal(logger);
  const database = await resolveDatabase(config, logger);
  const pool = createPool(database.url, config, logger);
  try {
    const stopWhen = Promise.race([signalled, guard.failure.then((failure) => failure.kind)]);
    await recordUntil(stopWhen, await startRecorder(config, pool, logger), redactUrl(database.url), showStatus, logger);
  } finally {
    await pool.end();
    await database.release();
  }
  const failure = guard.failed();
  if (failure) throw new Error(`stopped after an ${failure.kind}: ${failure.reason} (the final flush is done; see the log line above)`);
}

/** Records until `stopWhen`, or until the session ends; then one clean stop, bounded in time. */
async function recordUntil(stopWhen: Promise<string>, recorder: Recorder, databaseUrl: string, showStatus: boolean, logger: Logger): Promise<void> {
  let status: NodeJS.Timeout | undefined;
  try {
    if (recorder.simulator) banner(recorder.simulator.baseUrl);
    process.stderr.write(`recording ${recorder.writer.id} into ${databaseUrl}\n`);
    process.stderr.write(`  psql:       psql "$(npm run -s cli -- db url)"\n  recording:  ${recorder.writer.folder}\n`);
    process.stderr.write(`  metrics:    ${recorder.url}/metrics   (health ${recorder.url}/healthz, readiness ${recorder.url}/readyz)\n`
      + `  schedule:   ${recorder.schedule.open ? 'streaming' : 'idle'} (${recorder.schedule.current.why})\n`);
    if (showStatus) status = setInterval(() => printStatus(recorder), STATUS_INTERVAL_MS);
    const signal = await Promise.race([stopWhen, recorder.done.then(() => 'session ended')]);
    logger.info({ signal }, 'stopping: final flush');
  } finally {
    clearInterval(status);
    await boundedStop(recorder);
  }
}

function banner(url: string): void {
  const line = '!'.repeat(100);
  process.stderr.write(`${line}\n!!  SIMULATED FEED — no Schwab credentials configured (SCHWAB_APP_KEY / SCHWAB_APP_SECRET).\n`
    + `!!  Recording the built-in Schwab simulator at ${url}, not the market.\n${line}\n`);
}

/**
 * Resolves with the name of the first SIGINT/SIGTERM. The handlers stay for the life of the process: a second signal
 * while stopping (an impatient Ctrl-C, npm forwarding one) would otherwise kill it mid-flush; the stop is bounded anyway.
 */
function nextSignal(logger: Logger): Promise<string> {
  let received = false;
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) return logger.warn({ signal }, `${signal} while stopping: the final flush goes on (at most ${STOP_BOUND_MS / 1000} s)`);
      received = true;
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
