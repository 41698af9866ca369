import { Presets, SingleBar } from 'cli-progress';
import { InvalidArgumentError, type Command } from 'commander';
import { DateTime } from 'luxon';
import type { Config } from '../../config/schema.js';
import { createPool, redactUrl, resolveDatabase } from '../../db/connect.js';
import { migrate } from '../../db/migrations.js';
import { RecorderError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import { Pipeline } from '../../pipeline/pipeline.js';
import { backfillPrices, planBackfill, type BackfillFrequency, type BackfillResult } from '../../recorder/backfill.js';
import { openFeed } from '../../recorder/recorder.js';
import { RecordingWriter } from '../../recording/writer.js';
import { SchwabApi } from '../../schwab/endpoints.js';
import { RestClient } from '../../schwab/rest-client.js';
import type { CliContext } from '../context.js';
import { printRows } from '../output.js';

/** Trading days are US/Eastern: `--from`/`--to` are whole days there, both included. */
const MARKET_ZONE = 'America/New_York';
const FREQUENCIES: readonly BackfillFrequency[] = ['minute', 'daily', 'weekly'];

interface PricesOptions {
  symbols: string[];
  frequency: BackfillFrequency;
  from: string;
  to: string;
  databaseUrl?: string;
}

export function registerBackfillCommand(program: Command, ctx: CliContext): void {
  const backfill = program.command('backfill')
    .description('fetch history from Schwab (the built-in simulator when no credentials are configured) into a new recording and the database');
  backfill.command('prices')
    .description('price history into price_data: minute candles (10-day requests, extended hours), daily or weekly candles; a second run adds nothing')
    .requiredOption('--symbols <list>', 'comma-separated symbols, e.g. AAPL,MSFT', parseSymbols)
    .requiredOption('--frequency <frequency>', `candle size: ${FREQUENCIES.join(', ')}`, parseFrequency)
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD (US/Eastern)', parseDate)
    .requiredOption('--to <date>', 'last day, YYYY-MM-DD (US/Eastern), included', parseDate)
    .option('--database-url <url>', 'write to this database instead of the configured one')
    .action((options: PricesOptions) => backfillPricesCommand(ctx, options));
}

async function backfillPricesCommand(ctx: CliContext, options: PricesOptions): Promise<void> {
  if (options.from > options.to) throw new RecorderError('USAGE', '--from must not be after --to');
  const base = ctx.config();
  const config = withDatabaseUrl(base, options.databaseUrl);
  const logger = ctx.logger();
  const from = DateTime.fromISO(options.from, { zone: MARKET_ZONE }).startOf('day').toJSDate();
  const to = DateTime.fromISO(options.to, { zone: MARKET_ZONE }).endOf('day').toJSDate();
  const span = { symbols: options.symbols, frequency: options.frequency, from, to };

  // A SIGINT/SIGTERM stops before the next request; what was received is still flushed and the recording closed.
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'stopping the backfill after the current request');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const started = performance.now();
  const database = await resolveDatabase(config, logger);
  const pool = createPool(database.url, config, logger);
  try {
    await migrate(pool);
    // The simulator must know the symbols asked for (it answers `empty` for the ones it does not know).
    const feed = await openFeed({ ...config, stream: { ...config.stream, equities: [...new Set([...config.stream.equities, ...options.symbols])] } }, logger);
    try {
      if (feed.simulator) banner(feed.simulator.baseUrl);
      const writer = await RecordingWriter.open({
        dir: config.recording.dir, logger, segmentMaxBytes: config.recording.segmentMaxBytes,
        segmentMaxAgeMs: config.recording.segmentMaxAgeMs, gzipClosedSegments: config.recording.gzipClosedSegments,
      });
      const pipeline = await openPipeline(config, pool, writer, logger).catch(async (error: unknown) => {
        await writer.close();
        throw error;
      });
      process.stderr.write(`backfill into recording ${writer.id} (${writer.folder}) and ${redactUrl(database.url)}\n`);
      const at = Date.now();
      pipeline.event('recording_started', { recording: writer.id, feed: feed.simulator ? 'simulator' : 'schwab', command: 'backfill prices' }, at);
      if (feed.simulator) pipeline.event('simulated_feed', { warning: 'no Schwab credentials configured: backfilling from the built-in simulator', url: feed.simulator.baseUrl }, at);
      pipeline.start();
      const api = new SchwabApi(new RestClient({ settings: feed.settings, auth: feed.tokens, logger, capture: pipeline }));
      const progress = process.stderr.isTTY ? progressBar(planBackfill(span).length) : null;
      let result: BackfillResult;
      try {
        result = await backfillPrices({
          ...span, api, capture: pipeline, signal: controller.signal,
          onProgress: ({ done, request, error }) => {
            progress?.update(done, { symbol: request.symbol });
            if (error) logger.warn({ symbol: request.symbol, from: new Date(request.window.from), to: new Date(request.window.to), err: error }, 'price history request failed');
          },
        });
      } finally {
        progress?.stop();
        await pipeline.stop();
      }
      printSummary(writer.id, result, pipeline, (performance.now() - started) / 1000);
      if (pipeline.committedSeq < writer.lastSeq) {
        throw new Error(`the database did not take everything received; the recording holds it: schwab-recorder replay ${writer.folder}`);
      }
      if (result.failures.length > 0) {
        throw new Error(`${result.failures.length} of ${result.requests} price history requests failed (see the log); what was received is stored`);
      }
      if (result.aborted) throw new Error(`backfill stopped after ${result.answered + result.failures.length} of ${result.requests} requests`);
    } finally {
      await feed.cleanup();
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await pool.end();
    await database.release();
  }
}

function withDatabaseUrl(config: Config, url: string | undefined): Config {
  return url ? { ...config, database: { ...config.database, url } } : config;
}

function openPipeline(config: Config, pool: Parameters<typeof Pipeline.open>[0]['pool'], writer: RecordingWriter, logger: Logger): Promise<Pipeline> {
  return Pipeline.open({
    pool, recordingId: writer.id, recordingPath: writer.folder, writer, logger,
    buffers: { flushRows: config.pipeline.flushRows, maxRows: config.pipeline.maxBufferedRows, maxBytes: config.pipeline.maxBufferedBytes },
    flushIntervalMs: config.pipeline.flushIntervalMs,
    retry: { initialDelayMs: config.pipeline.retryInitialDelayMs, maxDelayMs: config.pipeline.retryMaxDelayMs },
  });
}

function banner(url: string): void {
  const line = '!'.repeat(100);
  process.stderr.write(`${line}\n!!  SIMULATED FEED — no Schwab credentials configured (SCHWAB_APP_KEY / SCHWAB_APP_SECRET).\n`
    + `!!  Backfilling from the built-in Schwab simulator at ${url}: simulated prices, not the market.\n${line}\n`);
}

function progressBar(total: number): SingleBar {
  const bar = new SingleBar({
    format: 'backfill [{bar}] {percentage}% | {value}/{total} requests | {symbol} | ETA {eta_formatted}',
    stream: process.stderr,
    hideCursor: true,
  }, Presets.shades_classic);
  bar.start(total, 0, { symbol: '' });
  return bar;
}

function printSummary(recordingId: string, result: BackfillResult, pipeline: Pipeline, seconds: number): void {
  const failed = result.failures.length;
  console.log(`recording ${recordingId}: ${result.answered} of ${result.requests} requests answered (${failed} failed), `
    + `${result.candles} candles in ${seconds.toFixed(1)} s`);
  const rows = Object.entries(pipeline.totals.written).sort(([a], [b]) => a.localeCompare(b)).map(([table, n]) => ({ table, rows: n }));
  printRows([...rows, { table: '(rejected)', rows: pipeline.totals.rejected }]);
}

function parseSymbols(value: string): string[] {
  const symbols = [...new Set(value.split(',').map((s) => s.trim().toUpperCase()).filter((s) => s !== ''))];
  if (symbols.length === 0) throw new InvalidArgumentError('expected a comma-separated list of symbols');
  return symbols;
}

function parseFrequency(value: string): BackfillFrequency {
  if (!(FREQUENCIES as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${FREQUENCIES.join(', ')}`);
  return value as BackfillFrequency;
}

function parseDate(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !DateTime.fromISO(value).isValid) throw new InvalidArgumentError('expected a date as YYYY-MM-DD');
  return value;
}
