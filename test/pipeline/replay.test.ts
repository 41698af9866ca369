import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { recordingIdentity } from '../../src/recording/reader.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const logger = createLogger({ level: 'silent' });
const sample = (name: string) => readFile(new URL(`../fixtures/samples/${name}`, import.meta.url), 'utf8');

async function replay(db: TestDatabase, file: string, flushRows = 1000) {
  const pipeline = await Pipeline.open({
    pool: db.pool, recordingId: await recordingIdentity(file), recordingPath: file,
    buffers: { flushRows, maxRows: 100_000, maxBytes: 1 << 28 }, flushIntervalMs: 50,
    retry: { initialDelayMs: 10, maxDelayMs: 100 }, logger,
  });
  return pipeline.replay();
}

async function count(db: TestDatabase, table: string): Promise<number> {
  const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0].n;
}

describe('replay of a recording', () => {
  let db: TestDatabase;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'replay-test-'));
    file = path.join(dir, 'session.ndjson');
    // A hand-made recording (no meta line) from real frames: equities snapshot + deltas, options, chart bars,
    // account activity, an invalid frame, events, and one frame whose text PostgreSQL cannot store (NUL).
    const frames = [
      ...(await sample('stream-levelone-equities.jsonl')).trim().split('\n').slice(1, 3),
      (await sample('stream-levelone-options.jsonl')).trim().split('\n')[0]!,
      ...(await sample('stream-chart-equity.jsonl')).trim().split('\n'),
      (await sample('stream-acct-activity.jsonl')).trim().split('\n')[4]!,
    ];
    const lines: string[] = [`{"seq":1,"ts":1712595000000,"type":"event","event":"connected","detail":{"url":"wss://x"}}`];
    frames.forEach((frame, i) => lines.push(`{"seq":${i + 2},"ts":${1712595001000 + i},"type":"ws","frame":${frame}}`));
    lines.push(JSON.stringify({ seq: 20, ts: 1712595002000, type: 'ws-text', text: '{"data":[{"service":"LEVELONE_EQUITIES",' }));
    lines.push(JSON.stringify({ seq: 21, ts: 1712595003000, type: 'ws', frame: { data: [{ service: 'ACCT_ACTIVITY', timestamp: 1, command: 'SUBS',
      content: [{ seq: 1, key: 'k', 1: '', 2: 'OrderCreated', 3: 'bad \u0000 text' }] }] } }));
    lines.push(`{"seq":22,"ts":1712595004000,"type":"event","event":"disconnected","detail":{"reason":"socket_closed:1006"}}`);
    await writeFile(file, `${lines.join('\n')}\n`);
  });
  afterAll(async () => {
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores the rows of every service, the events and the quarantined frames, and checkpoints the last seq', async () => {
    const totals = await replay(db, file);
    expect(totals.lines).toBe(10);
    expect(await count(db, 'equity_quotes')).toBe(9); // CPP-A snapshot (4 symbols) + CPP-B deltas (5 items)
    expect(await count(db, 'option_quotes')).toBe(2);
    expect(await count(db, 'price_data')).toBe(3);
    expect(await count(db, 'account_activity')).toBe(5); // the NUL in seq 21's message is stored as the text \u0000
    const { rows: events } = await db.pool.query('SELECT event, seq FROM stream_events ORDER BY seq');
    expect(events).toEqual([{ event: 'connected', seq: '1' }, { event: 'disconnected', seq: '22' }]);
    const { rows: rejects } = await db.pool.query('SELECT table_name, reason, seq FROM rejected_rows ORDER BY seq');
    expect(rejects).toEqual([{ table_name: 'stream_frame', reason: 'frame is not valid JSON', seq: '20' }]);
    const { rows: [checkpoint] } = await db.pool.query('SELECT recording_id, last_seq FROM recording_checkpoints');
    expect(checkpoint).toEqual({ recording_id: await recordingIdentity(file), last_seq: '22' });
  });

  it('merges level-one deltas into complete rows, each carrying its line\'s seq', async () => {
    const { rows } = await db.pool.query(`SELECT symbol, seq, bid_price, ask_price, last_price, total_volume, description
      FROM equity_quotes ORDER BY seq, symbol`);
    const snapshot = rows.filter((r) => r.seq === '2');
    const deltas = rows.filter((r) => r.seq === '3');
    expect(snapshot.map((r) => r.symbol)).toEqual(['AMD', 'CAVA', 'QQQ', 'SPY']);
    expect(deltas.map((r) => r.symbol)).toEqual(['CAVA', 'DELL', 'QQQ', 'SPY', 'XOM']);
    const qqqBefore = snapshot.find((r) => r.symbol === 'QQQ');
    const qqq = deltas.find((r) => r.symbol === 'QQQ');
    expect(qqq).toEqual({ ...qqqBefore, seq: '3', bid_price: 440.96 }); // only field 1 changed among these columns
    // DELL had no snapshot in this recording: its row holds only what its delta carried
    expect(deltas.find((r) => r.symbol === 'DELL')).toEqual({
      symbol: 'DELL', seq: '3', bid_price: 126.6, ask_price: 126.66, last_price: 126.61, total_volume: '7621000', description: null,
    });
  });

  it('adds nothing when the same recording is replayed again', async () => {
    const before = await Promise.all(['equity_quotes', 'option_quotes', 'price_data', 'account_activity', 'stream_events', 'rejected_rows'].map((t) => count(db, t)));
    const totals = await replay(db, file);
    expect(totals.written).toEqual({});
    const after = await Promise.all(['equity_quotes', 'option_quotes', 'price_data', 'account_activity', 'stream_events', 'rejected_rows'].map((t) => count(db, t)));
    expect(after).toEqual(before);
  });

  it('commits the same rows whatever the batch size', async () => {
    const other = await createTestDatabase();
    try {
      await replay(other, file, 1);
      const dump = async (d: TestDatabase) => (await d.pool.query(`SELECT symbol, seq, bid_price, last_price FROM equity_quotes ORDER BY seq, symbol`)).rows;
      expect(await dump(other)).toEqual(await dump(db));
    } finally {
      await other.drop();
    }
  });
});
