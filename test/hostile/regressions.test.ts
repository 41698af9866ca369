// The hostile inputs issue 12 found, each as a replay of valid quotes with the hostile line(s) between them: the
// replay resolves, every valid quote commits once, the hostile line is quarantined (or stored, for an event), and a
// second replay adds nothing. The 700,000-key recording runs through the CLI in a child with a 256 MB heap.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { replayInto } from '../support/contents.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { uniqueName } from '../support/server.js';
import { journalLine, nested, type Expectation, type HostileLine } from './arbitraries.js';
import { lineProblems, quoteProblems, RecordingBuilder, tableCounts } from './outcomes.js';

const QUOTE = { bid: 417.01, ask: 417.08, last: 417.09, volume: 162_750, quoteTime: 1_715_777_955_574 };
const REJECT: Expectation = { kind: 'reject' };

const frame = (label: string, wire: string, expect: Expectation = REJECT): HostileLine => journalLine({ label, wire, expect });
const line = (label: string, expect: Expectation, text: HostileLine['text']): HostileLine => ({ label, expect, text });

describe('replays of valid quotes around the hostile inputs of issue 12', () => {
  let dir: string;
  let db: TestDatabase;
  beforeAll(async () => { dir = await mkdtemp(path.join(tmpdir(), 'hostile-regressions-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  /** Replays valid, hostile..., valid twice into a fresh database; asserts the outcome; returns the recording. */
  async function replayCase(...hostile: HostileLine[]): Promise<RecordingBuilder> {
    const recording = new RecordingBuilder(uniqueName('regression'));
    recording.valid([QUOTE, QUOTE]);
    hostile.forEach((h) => recording.add(h));
    recording.valid([QUOTE]);
    const file = path.join(dir, `${recording.id}.ndjson`);
    await recording.write(file);
    db = await createTestDatabase();
    await replayInto(db.pool, file);
    expect([...await quoteProblems(db.pool, recording.quotes), ...await lineProblems(db.pool, recording.id, recording.hostile)]).toEqual([]);
    const before = await tableCounts(db.pool);
    await replayInto(db.pool, file);
    expect(await tableCounts(db.pool)).toEqual(before);
    return recording;
  }

  afterEach(async () => { await db?.drop(); });

  it('quarantines a ws frame of 200,000 nested arrays', async () => {
    await replayCase(frame('200000 nested arrays', nested(200_000, 'array')));
  });

  it('quarantines a ws frame of 200,000 nested objects', async () => {
    await replayCase(frame('200000 nested objects', nested(200_000, 'object')));
  });

  it('quarantines a ws-text line of 200,000 nested arrays', async () => {
    await replayCase(line('ws-text of 200000 nested arrays', REJECT, (seq, ts) => JSON.stringify({ seq, ts, type: 'ws-text', text: nested(200_000, 'array') })));
  });

  it('quarantines a ws-text line holding a NUL', async () => {
    await replayCase(line('ws-text with NUL', REJECT, (seq, ts) => JSON.stringify({ seq, ts, type: 'ws-text', text: '{"data":[\u0000' })));
  });

  it('quarantines a CHART_EQUITY bar whose time is in microseconds', async () => {
    const bar = { seq: 0, key: 'MSFT', 1: 779, 2: 421.65, 3: 421.79, 4: 421.65, 5: 421.755, 6: 26.0, 7: 1715903940000000, 8: 19859 };
    await replayCase(frame('CHART_EQUITY time in µs', JSON.stringify({ data: [{ service: 'CHART_EQUITY', timestamp: 1715908546054, command: 'SUBS', content: [bar] }] })));
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM price_data');
    expect(rows[0].n).toBe(0);
  });

  it('stores a server_notice event whose detail holds \\u0000, without the NUL', async () => {
    const recording = await replayCase(line('server_notice with \\u0000', { kind: 'rows', table: 'stream_events', count: 1 },
      (seq, ts) => JSON.stringify({ seq, ts, type: 'event', event: 'server_notice', detail: { code: 30, msg: 'bye \u0000 now', service: 'ADMIN' } })));
    await expectNoticeStored(recording.hostile[0]!.seq);
  });

  it('passes over a notify whose message holds \\u0000 and stores the server_notice the session journals for it', async () => {
    const notify = { notify: [{ service: 'ADMIN', timestamp: 1715777956144, content: { code: 30, msg: 'bye \u0000 now' } }] };
    const recording = await replayCase(
      frame('notify with \\u0000', JSON.stringify(notify), { kind: 'noop' }),
      line('its server_notice', { kind: 'rows', table: 'stream_events', count: 1 },
        (seq, ts) => JSON.stringify({ seq, ts, type: 'event', event: 'server_notice', detail: { code: 30, msg: 'bye \u0000 now', service: 'ADMIN' } })),
    );
    await expectNoticeStored(recording.hostile[1]!.seq);
  });

  /** The notice is in stream_events with its message minus the NUL (stripped or escaped: either is allowed). */
  async function expectNoticeStored(seq: number): Promise<void> {
    const { rows } = await db.pool.query(`SELECT event, service, detail->>'msg' AS msg FROM stream_events WHERE seq = $1`, [seq]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ event: 'server_notice', service: 'ADMIN' });
    expect(rows[0].msg).toMatch(/^bye .*now$/);
    expect(rows[0].msg).not.toContain('\u0000');
  }

  it('replays 700,000 distinct level-one keys in a 256 MB heap, and adds nothing the second time', async () => {
    db = await createTestDatabase();
    const file = path.join(dir, 'keys.ndjson');
    const recording = await writeManyKeys(file, 700, 1000);
    const env = { NODE_OPTIONS: '--max-old-space-size=256', SCHWAB_RECORDER_LOG_LEVEL: 'warn' };
    // 40-50 s on a loaded 2-core box: room for a slower CI machine.
    const first = await runCli(['replay', file, '--database-url', db.url], env, 150_000);
    expect({ code: first.code, stderr: first.stderr.slice(0, 300) }).toEqual({ code: 0, stderr: '' });
    expect([...await quoteProblems(db.pool, recording.quotes), ...await lineProblems(db.pool, recording.id, recording.hostile)]).toEqual([]);
    const before = await tableCounts(db.pool);
    expect(before.equity_quotes).toBe(700_000 + recording.quotes.length);
    const second = await runCli(['replay', file, '--database-url', db.url], env, 150_000);
    expect(second.code).toBe(0);
    expect(await tableCounts(db.pool)).toEqual(before);
  }, 360_000);
});

/** valid, then `frames` frames of `perFrame` new keys each (one delta row per key), then valid: streamed to disk. */
async function writeManyKeys(file: string, frames: number, perFrame: number): Promise<RecordingBuilder> {
  const recording = new RecordingBuilder(uniqueName('keys'));
  recording.valid([QUOTE]);
  for (let f = 0; f < frames; f++) {
    const items = Array.from({ length: perFrame }, (_, i) => `{"key":"K${f * perFrame + i}","1":1.5,"8":100}`);
    const wire = `{"data":[{"service":"LEVELONE_EQUITIES","timestamp":1,"command":"SUBS","content":[${items.join(',')}]}]}`;
    recording.add(journalLine({ label: `keys frame ${f}`, wire, expect: { kind: 'rows', table: 'equity_quotes', count: perFrame } }));
  }
  recording.valid([QUOTE]);
  const out = createWriteStream(file);
  for (const text of recording.lines) if (!out.write(`${text}\n`)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
  return recording;
}
