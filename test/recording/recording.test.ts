import { appendFile, mkdir, mkdtemp, readFile, readdir, rm, truncate, writeFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import { readRecording, recordingIdentity, type Damage, type RecordingLine } from '../../src/recording/reader.js';
import { RecordingWriter } from '../../src/recording/writer.js';

const logger = createLogger({ level: 'silent' });

async function collect(target: string, options: Parameters<typeof readRecording>[1] = {}): Promise<RecordingLine[]> {
  const out: RecordingLine[] = [];
  for await (const line of readRecording(target, options)) out.push(line);
  return out;
}

const dataOnly = (lines: RecordingLine[]) => lines.filter((l) => l.type !== 'meta');

describe('recording', () => {
  let dir: string;
  beforeEach(async () => { dir = await mkdtemp(path.join(tmpdir(), 'recording-test-')); });
  afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

  const open = (extra: Partial<Parameters<typeof RecordingWriter.open>[0]> = {}) => RecordingWriter.open({
    dir, segmentMaxBytes: 1 << 20, segmentMaxAgeMs: 3_600_000, gzipClosedSegments: true, logger, ...extra,
  });

  it('writes every captured frame, body and event as one line with increasing seq, readable after sync', async () => {
    const writer = await open();
    const text = '{"data":[{"service":"LEVELONE_EQUITIES","content":[{"key":"AAPL","1":230.5}]}]}';
    expect(writer.appendWs(text, JSON.parse(text), JSON.parse(text), 1000)).toBe(1);
    expect(writer.appendWs('not json \u00ff', undefined, undefined, 1001)).toBe(2);
    expect(writer.appendRest({ method: 'GET', path: '/marketdata/v1/chains?symbol=AAPL', status: 200, body: { a: 1 } }, 1002)).toBe(3);
    expect(writer.appendEvent('connected', { url: 'ws://x' }, 1003)).toBe(4);
    expect(await writer.sync()).toBe(4);
    const lines = await collect(writer.folder);
    expect(lines[0]).toMatchObject({ type: 'meta', format: 'schwab-recorder/1', recording: writer.id, segment: 1 });
    expect(dataOnly(lines)).toEqual([
      { seq: 1, ts: 1000, type: 'ws', frame: JSON.parse(text) },
      { seq: 2, ts: 1001, type: 'ws-text', text: 'not json \u00ff' },
      { seq: 3, ts: 1002, type: 'rest', method: 'GET', path: '/marketdata/v1/chains?symbol=AAPL', status: 200, body: { a: 1 } },
      { seq: 4, ts: 1003, type: 'event', event: 'connected', detail: { url: 'ws://x' } },
    ]);
    await writer.close();
  });

  it('keeps the frame text byte for byte when it is one line of JSON, and re-serialises a redacted copy', async () => {
    const writer = await open({ gzipClosedSegments: false });
    const text = '{"notify":[{"heartbeat":"1715787814441"}]}';
    writer.appendWs(text, JSON.parse(text), JSON.parse(text), 5);
    const parsed = { a: 1 };
    writer.appendWs('{"a":   1}', { a: '...' }, parsed, 6);
    writer.appendWs('{"a":\n 1}', parsed, parsed, 7);
    await writer.close();
    const raw = await readFile(path.join(writer.folder, '000001.ndjson'), 'utf8');
    expect(raw).toContain(`{"seq":1,"ts":5,"type":"ws","frame":${text}}\n`);
    const lines = dataOnly(await collect(writer.folder));
    expect(lines.map((l) => (l as { frame: unknown }).frame)).toEqual([JSON.parse(text), { a: '...' }, { a: 1 }]);
  });

  it('rotates segments by size, gzips closed ones, and reads across .gz and .ndjson in order', async () => {
    const writer = await open({ segmentMaxBytes: 2000 });
    for (let i = 0; i < 100; i++) {
      writer.appendEvent('tick', { i, pad: 'x'.repeat(50) }, i);
      if (i % 10 === 9) await writer.sync();
    }
    await writer.close();
    const files = (await readdir(writer.folder)).sort();
    expect(files.length).toBeGreaterThan(2);
    expect(files.every((f) => f.endsWith('.ndjson.gz'))).toBe(true);
    const lines = await collect(writer.folder);
    expect(dataOnly(lines).map((l) => (l as { seq: number }).seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(lines.filter((l) => l.type === 'meta').map((l) => (l as { segment: number }).segment)).toEqual(files.map((_, i) => i + 1));
  });

  it('keeps every line appended while a segment rotates (lines go to the new segment, never to the closing one)', async () => {
    const writer = await open({ segmentMaxBytes: 64 * 1024, gzipClosedSegments: false });
    const pad = 'x'.repeat(2000);
    let appended = 0;
    for (let round = 0; round < 12; round++) {
      const syncing = writer.sync(); // a rotation is due from the second round on
      // ~1.2 MB while the sync and its rotation run: the 1 MB write threshold writes some of it out meanwhile.
      for (let i = 0; i < 600; i++) {
        writer.appendEvent('tick', { round, i, pad }, i);
        appended += 1;
        if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      await syncing;
    }
    await writer.close();
    const seqs = dataOnly(await collect(writer.folder)).map((l) => (l as { seq: number }).seq);
    expect(seqs).toEqual(Array.from({ length: appended }, (_, i) => i + 1));
    expect((await readdir(writer.folder)).filter((f) => f.endsWith('.ndjson')).length).toBeGreaterThan(5);
  });

  it('continues a recording in a new segment with the next seq', async () => {
    const first = await open({ gzipClosedSegments: false });
    first.appendEvent('a', {}, 1);
    first.appendEvent('b', {}, 2);
    await first.close();
    const second = await open({ recordingId: first.id, gzipClosedSegments: false });
    expect(second.lastSeq).toBe(2);
    expect(second.appendEvent('c', {}, 3)).toBe(3);
    await second.close();
    expect(await readdir(first.folder)).toEqual(['000001.ndjson', '000002.ndjson']);
    expect(dataOnly(await collect(first.folder)).map((l) => (l as { event: string }).event)).toEqual(['a', 'b', 'c']);
  });

  it('refuses a second writer on a recording that is being written', async () => {
    const first = await open();
    await expect(open({ recordingId: first.id })).rejects.toThrow(/is already being written by this process/);
    await first.close();
    const second = await open({ recordingId: first.id });
    await second.close();
  });

  it('takes over the lock of a recorder that died without releasing it', async () => {
    const first = await open();
    await first.close();
    // What a kill -9 leaves: the lock directory, and an owner pid that no longer runs.
    await mkdir(path.join(first.folder, '.lock'));
    await writeFile(path.join(first.folder, '.lock-owner'), '2147483646');
    const second = await open({ recordingId: first.id });
    expect(second.appendEvent('after', {}, 9)).toBe(1);
    await second.close();
  });

  it('skips a torn last line with a warning and delivers everything before it', async () => {
    const writer = await open({ gzipClosedSegments: false });
    writer.appendEvent('a', {}, 1);
    writer.appendEvent('b', {}, 2);
    await writer.close();
    const file = path.join(writer.folder, '000001.ndjson');
    await appendFile(file, '{"seq":3,"ts":3,"type":"event","ev');
    const damage: Damage[] = [];
    const lines = dataOnly(await collect(writer.folder, { onDamage: (d) => damage.push(d) }));
    expect(lines.map((l) => (l as { seq: number }).seq)).toEqual([1, 2]);
    expect(damage).toEqual([{ file, line: 4, reason: 'torn last line (the writer stopped mid-line); skipped' }]);
  });

  it('reads a truncated gzip segment up to the damage and reports it', async () => {
    const writer = await open({ segmentMaxBytes: 1 });
    for (let i = 1; i <= 2000; i++) writer.appendEvent('tick', { i, pad: 'y'.repeat(40) }, i);
    await writer.close();
    const [gz] = (await readdir(writer.folder)).sort();
    const file = path.join(writer.folder, gz ?? '');
    await truncate(file, Math.floor((await stat(file)).size / 2));
    const damage: Damage[] = [];
    const lines = dataOnly(await collect(writer.folder, { onDamage: (d) => damage.push(d) }));
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.length).toBeLessThan(2000);
    expect(lines.map((l) => (l as { seq: number }).seq)).toEqual(Array.from({ length: lines.length }, (_, i) => i + 1));
    expect(damage).toHaveLength(1);
    expect(damage[0]?.reason).toMatch(/^segment unreadable after line \d+: unexpected end of file/);
  });

  it('skips lines at or below a seq without losing the ones after it', async () => {
    const writer = await open();
    for (let i = 1; i <= 10; i++) writer.appendEvent('e', { i }, i);
    await writer.close();
    expect(dataOnly(await collect(writer.folder, { afterSeq: 7 })).map((l) => (l as { seq: number }).seq)).toEqual([8, 9, 10]);
  });

  it('skips whole segments that end at or before afterSeq without reading them, and reads from the one holding it', async () => {
    const writer = await open({ segmentMaxBytes: 2000, gzipClosedSegments: false });
    for (let i = 0; i < 100; i++) {
      writer.appendEvent('tick', { i, pad: 'x'.repeat(50) }, i);
      if (i % 10 === 9) await writer.sync();
    }
    await writer.close();
    const files = (await readdir(writer.folder)).sort();
    expect(files.length).toBeGreaterThan(3);
    // Damage the middle of the first two segments: reading them would report it (and lose their lines).
    for (const file of files.slice(0, 2)) {
      const text = await readFile(path.join(writer.folder, file), 'utf8');
      const lines = text.split('\n');
      lines[2] = '{ torn';
      await writeFile(path.join(writer.folder, file), lines.join('\n'));
    }
    const secondFirst = (await collect(path.join(writer.folder, files[2]!))).find((l) => l.type !== 'meta') as { seq: number };
    const damage: Damage[] = [];
    const after = secondFirst.seq + 1;
    const lines = dataOnly(await collect(writer.folder, { afterSeq: after, onDamage: (d) => damage.push(d) }));
    expect(damage).toEqual([]);
    expect(lines.map((l) => (l as { seq: number }).seq)).toEqual(Array.from({ length: 100 - after }, (_, i) => after + 1 + i));
    // Without afterSeq the damage is there to be found: the skip, not luck, kept it out.
    const all: Damage[] = [];
    await collect(writer.folder, { onDamage: (d) => all.push(d) });
    expect(all).toHaveLength(2);
  });

  it('identifies a recording by its meta line, and a hand-made file by a hash of its content', async () => {
    const writer = await open();
    writer.appendEvent('e', {}, 1);
    await writer.close();
    expect(await recordingIdentity(writer.folder)).toBe(writer.id);
    const file = path.join(dir, 'hand-made.ndjson');
    await writeFile(file, '{"seq":1,"ts":1,"type":"event","event":"x","detail":{}}\n');
    const id = await recordingIdentity(file);
    expect(id).toMatch(/^file-[0-9a-f]{16}$/);
    expect(await recordingIdentity(file)).toBe(id);
    await appendFile(file, '{"seq":2,"ts":2,"type":"event","event":"y","detail":{}}\n');
    expect(await recordingIdentity(file)).not.toBe(id);
  });

  it('skips a line of an unknown type and reports it', async () => {
    const file = path.join(dir, 'future.ndjson');
    await writeFile(file, '{"seq":1,"ts":1,"type":"video","x":1}\n{"seq":2,"ts":2,"type":"event","event":"x","detail":{}}\n');
    const unknown: string[] = [];
    const lines = await collect(file, { onUnknown: (type) => unknown.push(type) });
    expect(lines).toHaveLength(1);
    expect(unknown).toEqual(['video']);
  });
});
