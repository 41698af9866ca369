// Recording retention as the hourly maintenance runs it: whole recordings past the cutoff go, and so do the oldest
// closed, committed segments of the recording being written (a recorder that runs for months continues one).
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import { readRecording, recordingIdentity } from '../../src/recording/reader.js';
import { pruneRecordings } from '../../src/recording/retention.js';
import { RecordingWriter } from '../../src/recording/writer.js';
import { bufferLogger } from '../support/capture.js';

const DAY = 86_400_000;
const NOW = Date.now();
const silent = createLogger({ level: 'silent' });

async function seqsOf(folder: string): Promise<number[]> {
  const seqs: number[] = [];
  for await (const line of readRecording(folder)) if (line.type !== 'meta') seqs.push(line.seq);
  return seqs;
}

async function age(target: string, days: number): Promise<void> {
  const at = new Date(NOW - days * DAY);
  await utimes(target, at, at);
}

describe('recording retention', () => {
  let dir: string;
  let writer: RecordingWriter;
  /** The active recording: four closed segments of 10 events each (seqs 1-10, 11-20, 21-30, 31-40), the fifth open. */
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'retention-test-'));
    writer = await RecordingWriter.open({ dir, segmentMaxBytes: 1024, segmentMaxAgeMs: 3_600_000, gzipClosedSegments: false, logger: silent });
    for (let seq = 1; seq <= 40; seq++) {
      writer.appendEvent('tick', { pad: 'x'.repeat(100) }, NOW);
      if (seq % 10 === 0) await writer.sync(); // past 1 KB: the segment rotates
    }
    expect(writer.openSegment).toBe(5);
  });
  afterEach(async () => {
    await writer.close();
    await rm(dir, { recursive: true, force: true });
  });

  const segments = async () => (await readdir(writer.folder)).filter((n) => n.endsWith('.ndjson')).sort();
  const active = (committedSeq: number) => ({ folder: writer.folder, openSegment: writer.openSegment, committedSeq });

  it('deletes the old, committed segments of the recording being written, from the front, and it stays readable', async () => {
    for (const name of ['000001.ndjson', '000002.ndjson', '000003.ndjson']) await age(path.join(writer.folder, name), 10);
    const { logger, text } = bufferLogger('info');
    // Committed through seq 25: segments 1 and 2 entirely, segment 3 not (21-30).
    const pruned = await pruneRecordings(dir, 7, active(25), logger, NOW);
    expect(pruned).toEqual({ recordings: [], segments: ['000001.ndjson', '000002.ndjson'] });
    expect(await segments()).toEqual(['000003.ndjson', '000004.ndjson', '000005.ndjson']);
    expect(text()).toContain('segments deleted by retention');
    // The same recording: its id, its lines from 21 on, and the writer goes on appending to it.
    expect(await recordingIdentity(writer.folder)).toBe(writer.id);
    writer.appendEvent('tick', {}, NOW);
    await writer.sync();
    expect(await seqsOf(writer.folder)).toEqual(Array.from({ length: 21 }, (_, i) => 21 + i));
  });

  it('keeps segments that are recent, or not committed, or open, and everything without a retention', async () => {
    for (const name of await segments()) await age(path.join(writer.folder, name), 10);
    expect((await pruneRecordings(dir, null, active(40), silent, NOW)).segments).toEqual([]);
    expect((await pruneRecordings(dir, 30, active(40), silent, NOW)).segments).toEqual([]); // 10 days < 30
    expect((await pruneRecordings(dir, 7, active(9), silent, NOW)).segments).toEqual([]); // segment 1 ends at seq 10
    // Everything committed and old: all closed segments go, never the open one.
    expect((await pruneRecordings(dir, 7, active(40), silent, NOW)).segments).toHaveLength(4);
    expect(await segments()).toEqual(['000005.ndjson']);
  });

  it('deletes other recordings last written before the cutoff, and keeps recent ones', async () => {
    const old = path.join(dir, '20250101T000000Z-aaaaaa');
    const recent = path.join(dir, '20260101T000000Z-bbbbbb');
    for (const folder of [old, recent]) {
      await mkdir(folder);
      await writeFile(path.join(folder, '000001.ndjson'), '');
    }
    await age(old, 40);
    await age(recent, 2);
    expect((await pruneRecordings(dir, 30, active(0), silent, NOW)).recordings).toEqual(['20250101T000000Z-aaaaaa']);
    expect((await readdir(dir)).sort()).toEqual(['20260101T000000Z-bbbbbb', path.basename(writer.folder)].sort());
  });

  it('deletes only folders named like a recording id: other folders and files in the recordings folder stay', async () => {
    const others = ['my-notes', 'notes.txt', '20250101T000000Z-aaaaaa.bak', 'lost+found'];
    for (const name of ['my-notes', '20250101T000000Z-aaaaaa.bak', 'lost+found']) await mkdir(path.join(dir, name));
    await writeFile(path.join(dir, 'my-notes', 'plan.md'), 'keep me');
    await writeFile(path.join(dir, 'notes.txt'), 'keep me');
    await mkdir(path.join(dir, '20250101T000000Z-aaaaaa'));
    for (const name of [...others, '20250101T000000Z-aaaaaa']) await age(path.join(dir, name), 400);
    expect((await pruneRecordings(dir, 30, active(0), silent, NOW)).recordings).toEqual(['20250101T000000Z-aaaaaa']);
    expect((await readdir(dir)).sort()).toEqual([...others, path.basename(writer.folder)].sort());
    expect(await readdir(path.join(dir, 'my-notes'))).toEqual(['plan.md']);
  });
});
