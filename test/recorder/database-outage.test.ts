import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/connect.js';
import { startEmbedded, stopEmbedded, type EmbeddedOptions } from '../../src/db/embedded.js';
import { createLogger } from '../../src/log/logger.js';
import { startRecorder } from '../../src/recorder/recorder.js';
import { contents, replayInto } from '../support/contents.js';
import { bufferLogger } from '../support/capture.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { freePort } from '../support/server.js';
import { until } from '../support/until.js';
import { recorderConfig } from '../support/recorder-config.js';

const OUTAGE_MS = 30_000;
const MAX_BUFFERED_ROWS = 20_000;

describe('PostgreSQL down for 30 s under a steady stream', () => {
  let dir: string;
  let options: EmbeddedOptions;
  let reference: TestDatabase;
  const logger = createLogger({ level: 'silent' });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'outage-test-'));
    await chmod(dir, 0o777); // the postgres user writes its data dir here when we run as root
    options = { dataDir: path.join(dir, 'pgdata'), port: await freePort(), user: 'postgres', password: 'outage', database: 'outage' };
    reference = await createTestDatabase();
  });
  afterAll(async () => {
    await stopEmbedded(options.dataDir, logger).catch(() => undefined);
    await reference?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('journals through the outage with bounded memory, drains the backlog after, and loses nothing', async () => {
    const server = await startEmbedded(options, logger);
    const config = await recorderConfig(dir, server.url, {
      pipeline: { flushIntervalMs: 50, flushRows: 2000, maxBufferedRows: MAX_BUFFERED_ROWS, retryInitialDelayMs: 100, retryMaxDelayMs: 1000 },
      simulator: { updatesPerSecond: 2000, heartbeatIntervalMs: 500, orderIntervalMs: 2000 },
      http: { port: 0, host: '127.0.0.1' },
      snapshots: { chains: { underlyings: [] } }, // the quote rate goes to the equities alone
    });
    const pool = createPool(server.url, config, logger);
    const recorder = await startRecorder(config, pool, logger);
    let maxBuffered = 0;
    const sampler = setInterval(() => { maxBuffered = Math.max(maxBuffered, recorder.pipeline.bufferedRows); }, 10);
    try {
      await until(() => recorder.pipeline.mode === 'live' && recorder.pipeline.committedSeq > 100, 20_000, 'live recording');

      await stopEmbedded(options.dataDir, logger, 'immediate');
      const seqAtOutage = recorder.writer.lastSeq;
      await sleep(OUTAGE_MS);
      const journaledDuringOutage = recorder.writer.lastSeq - seqAtOutage;
      expect(recorder.pipeline.mode).toBe('catchup');
      expect(recorder.session.state).toBe('streaming'); // capture never stopped
      expect(journaledDuringOutage).toBeGreaterThan(1000);

      await startEmbedded(options, logger);
      await until(() => recorder.pipeline.mode === 'live', 60_000, 'the backlog to drain');
      expect(recorder.pipeline.committedSeq).toBeGreaterThan(seqAtOutage + journaledDuringOutage);
      expect(maxBuffered).toBeLessThanOrEqual(MAX_BUFFERED_ROWS);
    } finally {
      clearInterval(sampler);
      await recorder.stop();
    }
    await replayInto(reference.pool, recorder.writer.folder);
    const [live, replayed] = [await contents(pool), await contents(reference.pool)];
    await pool.end();
    for (const table of Object.keys(replayed)) expect(live[table], table).toEqual(replayed[table]);
    expect(live.equity_quotes?.length).toBeGreaterThan(5000);
  }, 150_000);
});

describe('a database that stalls under a steady stream', () => {
  let db: TestDatabase;
  let reference: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    [db, reference] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    dir = await mkdtemp(path.join(tmpdir(), 'stall-test-'));
  });
  afterAll(async () => {
    await Promise.all([db?.drop(), reference?.drop()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('pauses live decoding when the buffers fill, keeps what they hold, and commits everything once it moves', async () => {
    const maxRows = 3000;
    const config = await recorderConfig(dir, db.url, {
      pipeline: { flushIntervalMs: 50, flushRows: 1000, maxBufferedRows: maxRows, retryInitialDelayMs: 100, retryMaxDelayMs: 1000 },
      simulator: { updatesPerSecond: 3000, heartbeatIntervalMs: 500 },
      http: { port: 0, host: '127.0.0.1' },
      snapshots: { chains: { underlyings: [] } },
    });
    const { logger, text } = bufferLogger('warn');
    const pool = createPool(db.url, config, logger);
    const recorder = await startRecorder(config, pool, logger);
    let maxBuffered = 0;
    const sampler = setInterval(() => { maxBuffered = Math.max(maxBuffered, recorder.pipeline.bufferedRows); }, 5);
    const locker = await db.pool.connect();
    try {
      await until(() => recorder.pipeline.mode === 'live' && recorder.pipeline.committedSeq > 50, 20_000, 'live recording');
      // Every COPY into equity_quotes waits behind this lock: a database that does not keep up, without failing.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE equity_quotes IN ACCESS EXCLUSIVE MODE');
      await until(() => recorder.pipeline.mode === 'catchup', 15_000, 'the buffers to fill');
      await sleep(2000);
      await locker.query('ROLLBACK');
      await until(() => recorder.pipeline.mode === 'live', 30_000, 'the pipeline to catch up');
    } finally {
      locker.release();
      clearInterval(sampler);
      await recorder.stop();
    }
    expect(text()).toContain('buffers full: the database is not keeping up');
    expect(text()).not.toContain('shedding buffers'); // nothing decoded was thrown away
    expect(maxBuffered).toBeLessThanOrEqual(maxRows + 500); // the bound, plus the rows of the frame that crossed it
    await replayInto(reference.pool, recorder.writer.folder);
    const [live, replayed] = [await contents(pool), await contents(reference.pool)];
    await pool.end();
    for (const table of Object.keys(replayed)) expect(live[table], table).toEqual(replayed[table]);
    expect(live.equity_quotes?.length).toBeGreaterThan(maxRows);
  }, 90_000);
});
