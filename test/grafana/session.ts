// A short recorder run against the built-in simulator, in-process (as test/recorder/snapshots.test.ts does): the
// streamer plus chain, order and transaction polling on short intervals, so every table the dashboards read fills.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { createPool } from '../../src/db/connect.js';
import { createLogger } from '../../src/log/logger.js';
import { startRecorder, type Recorder } from '../../src/recorder/recorder.js';
import { recorderConfig } from '../support/recorder-config.js';

export interface Session {
  recorder: Recorder;
  /** Stops the recorder, closes its pool and removes its recording. */
  stop(): Promise<void>;
}

function configHasHttp(): boolean {
  return 'http' in (loadConfig({ env: {} }) as object);
}

export async function startSimulatedSession(databaseUrl: string): Promise<Session> {
  const dir = await mkdtemp(path.join(tmpdir(), 'grafana-session-'));
  // Any HTTP server of the recorder on a free loopback port (config `http`, when the config schema has it).
  const settings: Record<string, unknown> = {
    ...(configHasHttp() ? { http: { port: 0, host: '127.0.0.1' } } : {}),
    simulator: { updatesPerSecond: 100, heartbeatIntervalMs: 500, orderIntervalMs: 700 },
    stream: { reconnect: { initialDelayMs: 100, maxDelayMs: 500, healthyAfterMs: 1000 } },
    snapshots: {
      chains: { underlyings: ['AAPL', 'SPY'], intervalMs: 2000, strikeCount: 6, maxDte: 45 },
      orders: { pollIntervalMs: 1500, lookbackDays: 30 },
      transactions: { pollIntervalMs: 1500, lookbackDays: 30 },
    },
  };
  const config = await recorderConfig(dir, databaseUrl, settings);
  const logger = createLogger({ level: 'silent' });
  const pool = createPool(databaseUrl, config, logger);
  const recorder = await startRecorder(config, pool, logger).catch(async (error: unknown) => {
    await pool.end();
    throw error;
  });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await recorder.stop();
      await pool.end();
      await rm(dir, { recursive: true, force: true });
    })();
    return stopping;
  };
  return { recorder, stop };
}
