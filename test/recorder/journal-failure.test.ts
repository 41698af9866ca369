// A journal that cannot be written (the disk full): the recorder stops with a clear error instead of streaming on
// without a recording, and the database holds nothing the journal does not. The disk is /dev/full itself: the next
// segments of the recording are symlinks to it, so the rotation opens it and every write fails with ENOSPC.
import { mkdtemp, readdir, rm, symlink, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/connect.js';
import { isRecorderError } from '../../src/errors.js';
import { readCheckpoint } from '../../src/pipeline/flusher.js';
import { startRecorder } from '../../src/recorder/recorder.js';
import { segmentName } from '../../src/recording/format.js';
import { bufferLogger } from '../support/capture.js';
import { contents, replayInto } from '../support/contents.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { until } from '../support/until.js';
import { recorderConfig } from '../support/recorder-config.js';

describe('a recording that cannot be written', () => {
  let db: TestDatabase;
  let reference: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    [db, reference] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    dir = await mkdtemp(path.join(tmpdir(), 'journal-failure-'));
  });
  afterAll(async () => {
    await Promise.all([db?.drop(), reference?.drop()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('stops the recorder with the reason, and commits nothing past what the journal holds', async () => {
    const config = await recorderConfig(dir, db.url, {
      recording: { segmentMaxBytes: 64 * 1024 },
      pipeline: { flushIntervalMs: 50 },
      simulator: { updatesPerSecond: 2000, heartbeatIntervalMs: 500 },
      http: { port: 0, host: '127.0.0.1' },
      snapshots: { chains: { underlyings: [] } },
    });
    const { logger, text } = bufferLogger('warn');
    const pool = createPool(db.url, config, logger);
    const recorder = await startRecorder(config, pool, logger);
    const { folder } = recorder.writer;
    const full: string[] = [];
    try {
      // Live first: the start-up catch-up lists the folder's segments, and /dev/full read as one never ends.
      // ...and quotes committed: with every service subscribed, the first commits can hold acks and books only.
      await until(() => recorder.pipeline.mode === 'live' && (recorder.pipeline.totals.written['equity_quotes'] ?? 0) > 0, 30_000, 'live recording');
      for (let segment = recorder.writer.openSegment + 1; full.length < 50 && segment < 1000; segment++) {
        const file = path.join(folder, segmentName(segment));
        // A rotation meanwhile made this one a real segment: the next ones are still ahead.
        if (await symlink('/dev/full', file).then(() => true, () => false)) full.push(file);
      }
      const outcome = await Promise.race([recorder.done.then(() => 'ended', (error: unknown) => error), sleep(30_000).then(() => 'still running')]);
      expect(isRecorderError(outcome, 'RECORDING_WRITE_FAILED'), String(outcome)).toBe(true);
      expect((outcome as Error).message).toMatch(/^cannot write the recording .* \(ENOSPC: no space left on device, write\); lines after seq \d+ are not journaled, stopping$/);
      expect(text()).toContain('the recording cannot be written');
    } finally {
      await recorder.stop(); // must not hang nor throw: the final flush fails (logged), the lock is released
    }
    for (const file of full) await unlink(file);
    expect(await readdir(folder)).not.toContain('.lock');
    // Everything committed came from journaled lines: the database equals a fresh replay of the journal through the
    // checkpoint (the journal may hold more: lines made durable but not yet committed when the disk filled up).
    const checkpoint = await readCheckpoint(pool, recorder.writer.id);
    expect(checkpoint.lastSeq).toBeGreaterThan(0);
    expect(checkpoint.lastSeq).toBeLessThanOrEqual(recorder.writer.syncedSeq);
    await replayInto(reference.pool, folder);
    const [live, replayed] = [await contents(pool), await contents(reference.pool)];
    await pool.end();
    expect(live.equity_quotes?.length).toBeGreaterThan(0);
    const committed = (rows: unknown[]) => rows.filter((r) => Number((r as { seq?: unknown }).seq ?? 0) <= checkpoint.lastSeq);
    for (const table of Object.keys(replayed)) expect(live[table], table).toEqual(committed(replayed[table]!));
  }, 60_000);
});
