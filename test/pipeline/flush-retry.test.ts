// A database that fails every flush for a while (a transient reason: connection lost): the live pipeline retries with
// a backoff that keeps growing until a commit succeeds, logs one line per step without a stack, says since when and
// why it fails, and loses nothing once the database takes writes again.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { RecordingWriter } from '../../src/recording/writer.js';
import { bufferLogger } from '../support/capture.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { until } from '../support/until.js';

const frame = (n: number) => JSON.stringify({ data: [{ service: 'LEVELONE_EQUITIES', timestamp: 1, command: 'SUBS', content: [{ key: `S${n}`, 1: n }] }] });

describe('a live pipeline whose flushes fail for a while', () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'flush-retry-'));
    // Every checkpoint write fails while `failing` says so, as a connection lost mid-flush would (SQLSTATE 08006).
    await db.pool.query(`
      CREATE TABLE failing (on_now boolean NOT NULL);
      INSERT INTO failing VALUES (true);
      CREATE FUNCTION fail_checkpoint() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (SELECT on_now FROM failing) THEN RAISE EXCEPTION 'injected connection loss' USING ERRCODE = '08006'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER fail_checkpoint BEFORE INSERT ON recording_checkpoints FOR EACH ROW EXECUTE FUNCTION fail_checkpoint();`);
  });
  afterAll(async () => {
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('backs off further at every failure until a commit, says why in its health, and then commits every frame once', async () => {
    const { logger, text } = bufferLogger('warn');
    const writer = await RecordingWriter.open({ dir, logger, segmentMaxBytes: 1 << 24, segmentMaxAgeMs: 3_600_000, gzipClosedSegments: false });
    const pipeline = await Pipeline.open({
      pool: db.pool, recordingId: writer.id, recordingPath: writer.folder, writer, logger,
      buffers: { flushRows: 1000, maxRows: 100_000, maxBytes: 1 << 26 }, flushIntervalMs: 20,
      retry: { initialDelayMs: 40, maxDelayMs: 10_000 },
    });
    pipeline.start();
    const started = Date.now();
    try {
      for (let n = 1; n <= 20; n++) pipeline.wsFrame(frame(n), JSON.parse(frame(n)), Date.now());
      const attempts = () => [...text().matchAll(/"attempt":(\d+)[^\n]*"retryInMs":(\d+)/g)].map((m) => ({ attempt: Number(m[1]), retryInMs: Number(m[2]) }));
      await until(() => attempts().length >= 5, 20_000, 'five failed flushes');
      // 40·2^(k-1) ms with jitter in [0.5, 1]: the ranges of successive steps do not overlap, so each is longer.
      const steps = attempts().slice(0, 5);
      expect(steps.map((s) => s.attempt)).toEqual([1, 2, 3, 4, 5]);
      steps.forEach((s, k) => expect(s.retryInMs).toBeGreaterThanOrEqual(40 * 2 ** k * 0.5));
      expect(text()).not.toMatch(/\n\s+at /); // no stack traces
      const health = pipeline.health();
      expect(health.failure).toBe('08006: injected connection loss');
      expect(health.failingSince).toBeGreaterThanOrEqual(started);
      expect(health.backlogSeconds).toBeGreaterThan(0);
      expect(health.stuckSeconds).toBeGreaterThan(0);

      await db.pool.query('UPDATE failing SET on_now = false');
      await until(() => pipeline.committedSeq === writer.lastSeq, 30_000, 'commits after the database is back');
      expect(pipeline.health()).toEqual({ backlogSeconds: 0, stuckSeconds: 0, failingSince: null, failure: null });
    } finally {
      await pipeline.stop();
    }
    const { rows } = await db.pool.query('SELECT symbol, count(*)::int AS n FROM equity_quotes GROUP BY symbol ORDER BY symbol');
    expect(rows).toHaveLength(20);
    expect(rows.every((r) => r.n === 1)).toBe(true);
  });
});
