import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayInto } from '../support/contents.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const T0 = 1_795_600_000_000;

/** 300 frames of two level-one deltas each: 600 rows, flushed every 100 rows, so about six flushes. */
function recording(): string {
  return Array.from({ length: 300 }, (_, i) => {
    const seq = i + 1;
    const content = ['AAA', 'BBB'].map((key, k) => ({ key, 1: seq + k / 10 }));
    return `${JSON.stringify({ seq, ts: T0 + seq, type: 'ws', frame: { data: [{ service: 'LEVELONE_EQUITIES', content }] } })}\n`;
  }).join('');
}

const replay = (db: TestDatabase, file: string) => replayInto(db.pool, file, {
  recordingId: 'failed-flush', buffers: { flushRows: 100, maxRows: 100_000, maxBytes: 1 << 28 },
  // Decoding slower than a flush: the failing flush ends while the next batch is still being decoded, not awaited.
  pace: () => new Promise((resolve) => setTimeout(resolve, 1)),
});

describe('a flush that fails while catching up', () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'failed-flush-'));
  });
  afterAll(async () => {
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('stops the catch-up, so no later batch commits a checkpoint past the failed one; a retry then loses nothing', async () => {
    const file = path.join(dir, 'recording.ndjson');
    await writeFile(file, recording());
    // The second checkpoint write fails once, as a connection lost mid-flush would (not a data error: no bisection).
    // A sequence is not transactional, so the count survives the rollback and only that one flush fails.
    await db.pool.query(`
      CREATE SEQUENCE checkpoint_writes;
      CREATE FUNCTION fail_second_checkpoint() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF nextval('checkpoint_writes') = 2 THEN RAISE EXCEPTION 'injected failure' USING ERRCODE = '08006'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER fail_second_checkpoint BEFORE INSERT ON recording_checkpoints
        FOR EACH ROW EXECUTE FUNCTION fail_second_checkpoint();`);
    await expect(replay(db, file)).rejects.toThrow('injected failure');
    const { rows: [{ last_seq: afterFailure }] } = await db.pool.query(`SELECT last_seq FROM recording_checkpoints WHERE recording_id = 'failed-flush'`);
    const { rows: [{ n: rowsAfterFailure }] } = await db.pool.query('SELECT count(*)::int AS n FROM equity_quotes');
    // Everything up to the checkpoint is in the database, nothing past it: the checkpoint did not skip the failed batch.
    expect(rowsAfterFailure).toBe(2 * Number(afterFailure));

    await replay(db, file);
    const { rows } = await db.pool.query('SELECT seq, count(*)::int AS n FROM equity_quotes GROUP BY seq ORDER BY seq');
    expect(rows).toHaveLength(300);
    expect(rows.every((r) => r.n === 2)).toBe(true);
  });
});
