// Reads a recording — a folder of segments or a single file, `.ndjson` or `.ndjson.gz` — as a stream of lines.
// Damage (a torn last line after a crash, a truncated gzip segment, a line that is not JSON) is reported and skipped:
// everything up to it is delivered.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { DataLine, MetaLine } from './format.js';
import { segmentNumber } from './format.js';

export interface Damage {
  file: string;
  line: number;
  reason: string;
}

export interface ReadOptions {
  /** Lines with seq <= this are skipped without being parsed in full. */
  afterSeq?: number;
  onDamage?: (damage: Damage) => void;
  /** Lines of a `type` this reader does not know (the format may grow). */
  onUnknown?: (type: string, file: string, line: number) => void;
}

export type RecordingLine = DataLine | MetaLine;

const KNOWN_TYPES = new Set(['meta', 'ws', 'ws-text', 'rest', 'event']);

/** The segment files of a recording folder in order (a plain file wins over its .gz twin mid-compression). */
export async function segmentFiles(target: string): Promise<string[]> {
  if (!(await stat(target)).isDirectory()) return [target];
  const bySegment = new Map<number, string>();
  for (const name of (await readdir(target)).sort()) {
    const n = segmentNumber(name);
    if (n !== null && !(bySegment.get(n)?.endsWith('.ndjson'))) bySegment.set(n, name);
  }
  return [...bySegment.entries()].sort((a, b) => a[0] - b[0]).map(([, name]) => path.join(target, name));
}

/**
 * Every line of the recording in order. With `afterSeq`, a segment whose lines all precede the next segment's first
 * seq, at or before afterSeq, is skipped unread: a catch-up late in a long session reads the tail of the recording,
 * not the whole day again.
 */
export async function* readRecording(target: string, options: ReadOptions = {}): AsyncGenerator<RecordingLine> {
  const files = await segmentFiles(target);
  let lastSeq = 0;
  for (let i = 0; i < files.length; i++) {
    if (options.afterSeq !== undefined && i + 1 < files.length) {
      const next = await firstSeqOf(files[i + 1]!);
      if (next !== null && next - 1 <= options.afterSeq) continue;
    }
    for await (const line of readSegment(files[i]!, options)) {
      if (line.type !== 'meta') {
        // seq must increase through a recording: a line that goes back (a hand-edited or concatenated file) would
        // move the checkpoint backwards.
        if (line.seq <= lastSeq) {
          options.onDamage?.({ file: files[i]!, line: 0, reason: `seq ${line.seq} does not follow seq ${lastSeq}; skipped` });
          continue;
        }
        lastSeq = line.seq;
      }
      yield line;
    }
  }
}

/** The first seq of a segment: its meta line's `firstSeq` (the writer's), else its first data line's; null if none. */
export async function firstSeqOf(file: string): Promise<number | null> {
  for await (const line of readSegment(file, {})) {
    if (line.type !== 'meta') return line.seq;
    const { firstSeq } = line;
    if (typeof firstSeq === 'number' && Number.isSafeInteger(firstSeq) && firstSeq > 0) return firstSeq;
  }
  return null;
}

async function* readSegment(listed: string, options: ReadOptions): AsyncGenerator<RecordingLine> {
  // Opened once: a writer that gzips a closed segment unlinks the plain file, maybe between listing and reading.
  const { handle, file } = await openSegment(listed);
  const source = handle.createReadStream();
  const stream: Readable = file.endsWith('.gz') ? source.pipe(createGunzip()) : source;
  let streamError: Error | null = null;
  source.on('error', (error) => {
    streamError = error;
    stream.destroy(error);
  });
  let number = 0;
  try {
    // Split by hand rather than with readline: its async iterator queues up to 1024 lines ahead of the consumer,
    // which for 100 KB frames is 100 MB held during a catch-up. Here one chunk is read only when its lines are used.
    const text = new StringDecoder('utf8');
    let partial = '';
    for await (const chunk of stream) {
      const lines = (partial + text.write(chunk as Buffer)).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        number += 1;
        const parsed = parseLine(line.endsWith('\r') ? line.slice(0, -1) : line, file, number, false, options);
        if (parsed) yield parsed;
      }
    }
    partial += text.end();
    // A last line without its newline: the writer stopped mid-line (a crash), or is writing it right now.
    if (partial !== '') {
      number += 1;
      const parsed = parseLine(partial, file, number, true, options);
      if (parsed) yield parsed;
    }
  } catch (error) {
    streamError ??= error as Error;
  } finally {
    // A consumer that stops early (break) must not leave the file open.
    stream.destroy();
    source.destroy();
  }
  if (streamError) {
    options.onDamage?.({ file, line: number, reason: `segment unreadable after line ${number}: ${(streamError as Error).message}` });
  }
}

async function openSegment(file: string): Promise<{ handle: FileHandle; file: string }> {
  try {
    return { handle: await open(file), file };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !file.endsWith('.ndjson')) throw error;
    return { handle: await open(`${file}.gz`), file: `${file}.gz` };
  }
}

function hasPosition(line: { seq?: unknown; ts?: unknown }): boolean {
  return Number.isSafeInteger(line.seq) && (line.seq as number) > 0 && typeof line.ts === 'number' && Number.isFinite(line.ts);
}

function parseLine(text: string, file: string, number: number, last: boolean, options: ReadOptions): RecordingLine | null {
  if (text.trim() === '') return null;
  if (options.afterSeq !== undefined) {
    const seq = /^\{"seq":(\d+),/.exec(text);
    if (seq && Number(seq[1]) <= options.afterSeq) return null;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    options.onDamage?.({ file, line: number, reason: last ? 'torn last line (the writer stopped mid-line); skipped' : 'not valid JSON; skipped' });
    return null;
  }
  if (typeof value !== 'object' || value === null || typeof (value as { type?: unknown }).type !== 'string') {
    options.onDamage?.({ file, line: number, reason: 'not a recording line (no "type"); skipped' });
    return null;
  }
  const line = value as RecordingLine;
  if (line.type !== 'meta' && !hasPosition(line)) {
    options.onDamage?.({ file, line: number, reason: 'no positive integer "seq" and finite "ts"; skipped' });
    return null;
  }
  if (!KNOWN_TYPES.has(line.type)) {
    options.onUnknown?.(line.type, file, number);
    return null;
  }
  if (line.type !== 'meta' && options.afterSeq !== undefined && line.seq <= options.afterSeq) return null;
  return line;
}

/** The highest seq in a recording (0 when it holds none): what a continued recording numbers from. */
export async function lastSeqOf(target: string): Promise<number> {
  // Only the newest segments need reading: seq increases through the recording.
  for (const file of (await segmentFiles(target)).reverse()) {
    let last = 0;
    for await (const line of readSegment(file, {})) if (line.type !== 'meta' && line.seq > last) last = line.seq;
    if (last > 0) return last;
  }
  return 0;
}

/**
 * A recording's id: from its first meta line, or for a hand-made file without one, a hash of its content — so a
 * second replay of the same file finds the checkpoint of the first.
 */
export async function recordingIdentity(target: string): Promise<string> {
  for await (const line of readRecording(target)) {
    if (line.type === 'meta') return line.recording;
    break;
  }
  const hash = createHash('sha256');
  for (const file of await segmentFiles(target)) for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return `file-${hash.digest('hex').slice(0, 16)}`;
}
