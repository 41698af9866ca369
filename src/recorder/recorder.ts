// The composition root of `record`: one pipeline (recording → decode → buffers → flush), fed by one streamer
// session and the REST client, against Schwab — or, without credentials, against the built-in simulator.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import type { Config } from '../config/schema.js';
import { migrate } from '../db/migrations.js';
import { applyRetention, ensurePartitionsAhead } from '../db/partitions.js';
import { evaluateReadiness, startHttpServer, type HttpServer, type Readiness } from '../http/server.js';
import type { Logger } from '../log/logger.js';
import { watchCommits } from '../metrics/registry.js';
import { Pipeline, type PipelineOptions } from '../pipeline/pipeline.js';
import { isRecordingId, pruneRecordings, type ActiveRecording } from '../recording/retention.js';
import { RecordingWriter } from '../recording/writer.js';
import { MarketSchedule } from '../schedule/market-hours.js';
import { SchwabApi } from '../schwab/endpoints.js';
import type { RecordedService } from '../schwab/fields.js';
import { OAuthClient } from '../schwab/oauth.js';
import { RestClient } from '../schwab/rest-client.js';
import type { StreamerInfo } from '../schwab/streamer/protocol.js';
import { StreamerSession } from '../schwab/streamer/session.js';
import { startPollers } from './pollers.js';
import { TokenManager } from '../schwab/token-manager.js';
import { TokenStore } from '../schwab/token-store.js';
import { startSimulator, type Simulator } from '../sim/index.js';

const MAINTENANCE_INTERVAL_MS = 60 * 60 * 1000;
const ACCOUNT_ACTIVITY_KEY = 'Account Activity';
const DATABASE_PROBE_TIMEOUT_MS = 2000;

export interface Recorder {
  pipeline: Pipeline;
  session: StreamerSession;
  writer: RecordingWriter;
  /** The simulator when no Schwab credentials are configured. */
  simulator: Simulator | null;
  schedule: MarketSchedule;
  /** The HTTP server's base URL: /metrics, /healthz, /readyz. */
  url: string;
  readiness(): Promise<Readiness>;
  /** Resolves when the session stops; rejects when it gives up for good (e.g. code 12 repeatedly) or the recording cannot be written. */
  done: Promise<void>;
  stop(): Promise<void>;
}

export interface Feed {
  tokens: TokenManager;
  settings: Config['schwab'];
  simulator: Simulator | null;
  cleanup(): Promise<void>;
}

export interface RecorderOptions {
  /** Replaces the schedule built from config (the simulator feed's is always open). */
  schedule?: MarketSchedule;
  /** Called after every commit (see PipelineOptions.onCommit). */
  onCommit?: PipelineOptions['onCommit'];
}

export async function startRecorder(config: Config, pool: pg.Pool, logger: Logger, options: RecorderOptions = {}): Promise<Recorder> {
  await migrate(pool);
  await ensurePartitionsAhead(pool, config.partitions.ahead);
  const feed = await openFeed(config, logger);
  const writer = await openRecording(config, logger).catch(async (error: unknown) => {
    await feed.cleanup();
    throw error;
  });
  const pipeline = await Pipeline.open({
    pool, recordingId: writer.id, recordingPath: writer.folder, writer, logger,
    buffers: { flushRows: config.pipeline.flushRows, maxRows: config.pipeline.maxBufferedRows, maxBytes: config.pipeline.maxBufferedBytes },
    flushIntervalMs: config.pipeline.flushIntervalMs,
    retry: { initialDelayMs: config.pipeline.retryInitialDelayMs, maxDelayMs: config.pipeline.retryMaxDelayMs },
    onCommit: options.onCommit,
  }).catch(async (error: unknown) => {
    await writer.close();
    await feed.cleanup();
    throw error;
  });
  pipeline.event('recording_started', { recording: writer.id, feed: feed.simulator ? 'simulator' : 'schwab' }, Date.now());
  if (feed.simulator) pipeline.event('simulated_feed', { warning: 'no Schwab credentials configured: recording the built-in simulator', url: feed.simulator.baseUrl }, Date.now());
  pipeline.start();
  watchCommits(() => pipeline.health());
  const api = new SchwabApi(new RestClient({ settings: feed.settings, auth: feed.tokens, logger, capture: pipeline }));
  const session = new StreamerSession({
    streamerInfo: async () => (await api.userPreference()).streamerInfo[0] as StreamerInfo,
    auth: feed.tokens, capture: pipeline, logger, keys: streamKeys(config.stream),
    limits: config.stream, heartbeatTimeoutMs: config.stream.heartbeatTimeoutMs,
    dataSilenceTimeoutMs: config.stream.dataSilenceTimeoutMs, reconnect: config.stream.reconnect, maxFrameBytes: config.stream.maxFrameBytes,
    isMarketOpen: () => schedule.open,
  });
  const schedule = options.schedule ?? new MarketSchedule(feed.simulator
    ? { settings: config.schedule, fixed: { open: true, why: 'simulated-feed' }, logger }
    : { settings: config.schedule, source: (date) => api.markets(['equity'], date), logger });
  const readiness = () => recorderReadiness(config, pool, session, pipeline, writer, schedule);
  let server: HttpServer;
  try {
    await schedule.start();
    server = await startHttpServer({ port: config.http.port, host: config.http.host, readiness });
  } catch (error) {
    schedule.stop();
    await pipeline.stop();
    await feed.cleanup();
    throw error;
  }
  logger.info({ url: server.url, schedule: schedule.current }, 'HTTP server listening: /metrics, /healthz, /readyz');
  // Connected only when the schedule says so: suspended before the session start, after its end, on holidays.
  if (!schedule.open) session.suspend(schedule.current.why);
  schedule.on('change', (decision: { open: boolean; why: string }) => {
    if (decision.open) session.resume();
    else session.suspend(decision.why);
  });
  // The session's end, or a journal that cannot be written: recording on without one would lose every frame.
  const done = Promise.race([session.start(), writer.failed]);
  done.catch(() => undefined); // whoever awaits `done` gets the failure; until someone does, it must not end the process
  const pollers = startPollers(config, api, session, pipeline, logger, schedule);
  session.on('data', (service: string) => { if (service === 'ACCT_ACTIVITY') pollers.accountActivity(); });
  session.on('gap', (gap: { from: number; to: number }) => pollers.gap(gap));
  const active = () => ({ folder: writer.folder, openSegment: writer.openSegment, committedSeq: pipeline.committedSeq });
  const maintenance = setInterval(() => void maintain(config, pool, logger, active), MAINTENANCE_INTERVAL_MS);
  let stopping: Promise<void> | null = null;
  const stop = () => (stopping ??= (async () => {
    clearInterval(maintenance);
    schedule.stop();
    await pollers.stop();
    await session.stop();
    logger.info('streamer stopped');
    await pipeline.stop();
    logger.info({ committedSeq: pipeline.committedSeq, recordedSeq: writer.lastSeq }, 'final flush done; recording closed');
    await feed.cleanup();
    await server.close();
    watchCommits(null);
  })());
  return { pipeline, session, writer, simulator: feed.simulator, schedule, url: server.url, readiness, done, stop };
}

/** Schwab when an app key and secret are configured; the simulator otherwise, said loudly. */
export async function openFeed(config: Config, logger: Logger): Promise<Feed> {
  const { appKey, appSecret } = config.schwab;
  if (appKey && appSecret) {
    const tokens = TokenManager.fromConfig(config.schwab, logger);
    await tokens.accessToken(); // fails now, with `auth login` in the message, when there are no tokens
    return { tokens, settings: config.schwab, simulator: null, cleanup: async () => undefined };
  }
  const simulator = await startSimulator({
    port: config.simulator.port, seed: config.simulator.seed, updatesPerSecond: config.simulator.updatesPerSecond,
    heartbeatIntervalMs: config.simulator.heartbeatIntervalMs, orderIntervalMs: config.simulator.orderIntervalMs,
    symbols: config.stream.equities,
  });
  logger.warn({ simulator: simulator.baseUrl },
    'NO SCHWAB CREDENTIALS CONFIGURED (SCHWAB_APP_KEY / SCHWAB_APP_SECRET): RECORDING THE BUILT-IN SIMULATED FEED, NOT THE MARKET');
  const dir = await mkdtemp(path.join(tmpdir(), 'schwab-recorder-sim-tokens-'));
  const settings = { ...config.schwab, ...simulator.credentials, apiBaseUrl: simulator.baseUrl, tokenFile: path.join(dir, 'tokens.json') };
  const tokens = new TokenManager({
    settings, store: new TokenStore(settings.tokenFile, { logger }), oauth: new OAuthClient(settings, { logger }), logger,
  });
  await tokens.login(simulator.authorizationCode());
  return {
    tokens, settings, simulator,
    cleanup: async () => {
      await simulator.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function streamKeys(stream: Config['stream']): Partial<Record<RecordedService, string[]>> {
  return {
    LEVELONE_EQUITIES: stream.equities,
    LEVELONE_OPTIONS: stream.options,
    CHART_EQUITY: stream.chartEquities,
    LEVELONE_FUTURES: stream.futures,
    LEVELONE_FUTURES_OPTIONS: stream.futuresOptions,
    LEVELONE_FOREX: stream.forex,
    CHART_FUTURES: stream.chartFutures,
    NYSE_BOOK: stream.nyseBook,
    NASDAQ_BOOK: stream.nasdaqBook,
    OPTIONS_BOOK: stream.optionsBook,
    SCREENER_EQUITY: stream.screenerEquity,
    SCREENER_OPTION: stream.screenerOption,
    ACCT_ACTIVITY: stream.accountActivity ? [ACCOUNT_ACTIVITY_KEY] : [],
  };
}

/** /readyz: session state and subscriptions, database writability, backlog, schedule. */
async function recorderReadiness(
  config: Config, pool: pg.Pool, session: StreamerSession, pipeline: Pipeline, writer: RecordingWriter, schedule: MarketSchedule,
): Promise<Readiness> {
  const wanted = Object.entries(streamKeys(config.stream)).filter(([, keys]) => (keys?.length ?? 0) > 0).map(([service]) => service as RecordedService);
  const connected = session.state === 'streaming';
  const health = pipeline.health();
  return evaluateReadiness({
    schedule: schedule.current,
    stream: { state: session.state, connected, missingServices: wanted.filter((service) => session.subscribedKeys(service).length === 0) },
    database: await databaseWritable(pool),
    backlog: { lines: Math.max(0, writer.lastSeq - pipeline.committedSeq), seconds: health.backlogSeconds, bound: config.http.readyMaxBacklogSeconds },
    commits: { stuckSeconds: health.stuckSeconds, failingSince: health.failingSince, failure: health.failure },
  });
}

/** A cheap probe: a primary (not a read-only standby) answering within two seconds. */
async function databaseWritable(pool: pg.Pool): Promise<{ writable: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${DATABASE_PROBE_TIMEOUT_MS} ms`)), DATABASE_PROBE_TIMEOUT_MS);
  });
  try {
    const result = await Promise.race([pool.query<{ writable: boolean }>('SELECT NOT pg_is_in_recovery() AS writable'), timeout]);
    return result.rows[0]?.writable ? { writable: true } : { writable: false, error: 'read-only (in recovery)' };
  } catch (error) {
    return { writable: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** Continues the newest recording (a restart after a crash resumes its journal); starts one when there is none. */
async function openRecording(config: Config, logger: Logger): Promise<RecordingWriter> {
  const newest = await newestRecording(config.recording.dir);
  return RecordingWriter.open({
    dir: config.recording.dir, recordingId: newest ?? undefined, logger,
    segmentMaxBytes: config.recording.segmentMaxBytes, segmentMaxAgeMs: config.recording.segmentMaxAgeMs,
    gzipClosedSegments: config.recording.gzipClosedSegments,
  });
}

async function newestRecording(dir: string): Promise<string | null> {
  const names = await readdir(dir).catch(() => [] as string[]);
  // Ids start with their UTC start time, so the newest sorts last.
  return names.filter(isRecordingId).sort().at(-1) ?? null;
}

/** Hourly: partitions ahead, partition retention, recording retention. Failures are logged, never fatal. */
async function maintain(config: Config, pool: pg.Pool, logger: Logger, active: () => ActiveRecording): Promise<void> {
  try {
    await ensurePartitionsAhead(pool, config.partitions.ahead);
    const dropped = await applyRetention(pool, config.partitions.retentionDays);
    if (dropped.length > 0) logger.info({ dropped: dropped.map((d) => d.partition) }, 'partitions dropped by retention');
    await pruneRecordings(config.recording.dir, config.recording.retentionDays, active(), logger);
  } catch (error) {
    logger.warn({ err: error }, 'maintenance failed; will try again in an hour');
  }
}

