import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayInto } from '../support/contents.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const KEYS = ['AAA', 'BBB', 'CCC'];
const T0 = 1_795_600_000_000;

/** seq 1 starts the recording (a reset), seq 2 snapshots three keys, every later line is a delta frame for them. */
function line(seq: number): string {
  if (seq === 1) return JSON.stringify({ seq, ts: T0, type: 'event', event: 'recording_started', detail: { recording: 'state-test' } });
  const content = KEYS.map((key, k) => (seq === 2
    ? { key, delayed: false, assetMainType: 'EQUITY', assetSubType: 'COE', cusip: `00000000${k}`, 1: 10 + k, 2: 11 + k, 15: `${key} INC` }
    : { key, 1: 10 + k + seq / 100, 8: seq * 10 + k }));
  return JSON.stringify({ seq, ts: T0 + seq, type: 'ws', frame: { data: [{ service: 'LEVELONE_EQUITIES', timestamp: T0 + seq, command: 'SUBS', content }] } });
}
const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `${line(from + i)}\n`).join('');

/** A replay that saves the decoder state with every checkpoint, flushing every 30 rows. */
const replay = (db: TestDatabase, file: string, recordingId: string) =>
  replayInto(db.pool, file, { recordingId, decoderStateEveryMs: 0, buffers: { flushRows: 30, maxRows: 100_000, maxBytes: 1 << 28 } });

const QUOTES = `SELECT seq, symbol, received_at, bid_price, ask_price, total_volume, description, delayed, asset_main_type, cusip
                  FROM equity_quotes ORDER BY seq, symbol`;

describe('decoder state saved with the checkpoint', () => {
  let db: TestDatabase;
  let stateless: TestDatabase;
  let reference: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    [db, stateless, reference] = await Promise.all([createTestDatabase(), createTestDatabase(), createTestDatabase()]);
    dir = await mkdtemp(path.join(tmpdir(), 'decoder-state-'));
    const whole = path.join(dir, 'whole.ndjson');
    await writeFile(whole, lines(1, 200));
    await replay(reference, whole, 'reference');
  });
  afterAll(async () => {
    await Promise.all([db?.drop(), stateless?.drop(), reference?.drop()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('lets a later catch-up decode only the lines after the saved state, with the rows of a full replay', async () => {
    const file = path.join(dir, 'growing.ndjson');
    await writeFile(file, lines(1, 100));
    expect((await replay(db, file, 'growing')).lines).toBe(100);
    const { rows: [saved] } = await db.pool.query(`SELECT last_seq, decode_from_seq, decoder_state_seq, jsonb_typeof(decoder_state) AS kind
                                                    FROM recording_checkpoints WHERE recording_id = 'growing'`);
    expect(saved).toEqual({ last_seq: '100', decode_from_seq: '1', decoder_state_seq: '100', kind: 'object' });

    await appendFile(file, lines(101, 200));
    // Lines 1-100 hold the snapshot every later delta merges into; only the restored state can supply it.
    expect((await replay(db, file, 'growing')).lines).toBe(100);
    expect((await db.pool.query(QUOTES)).rows).toEqual((await reference.pool.query(QUOTES)).rows);
    expect((await db.pool.query(QUOTES)).rows).toHaveLength(3 * 199);
  });

  it('without a saved state, decodes again from the last reset, with the same rows', async () => {
    const file = path.join(dir, 'stateless.ndjson');
    await writeFile(file, lines(1, 100));
    await replay(stateless, file, 'stateless');
    await stateless.pool.query(`UPDATE recording_checkpoints SET decoder_state = NULL, decoder_state_seq = NULL WHERE recording_id = 'stateless'`);
    await appendFile(file, lines(101, 200));
    expect((await replay(stateless, file, 'stateless')).lines).toBe(200);
    expect((await stateless.pool.query(QUOTES)).rows).toEqual((await reference.pool.query(QUOTES)).rows);
  });
});
