// Appends captured lines to a recording folder: segments rotate by size and age, closed segments are gzipped in
// the background, and sync() makes everything appended so far durable (fdatasync) — the flush calls it before
// each commit, so nothing in the database is ever newer than the journal.
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { DateTime } from 'luxon';
import lockfile from 'proper-lockfile';
import { RecorderError } from '../errors.js';
import { isProcessAlive } from '../process.js';
import type { Logger } from '../log/logger.js';
import { FORMAT, eventLine, restLine, segmentName, segmentNumber, wsLine } from './format.js';
import { lastSeqOf } from './reader.js';

export interface RecordingWriterOptions {
  /** The recordings root; the recording is the folder `<dir>/<id>/`. */
  dir: string;
  /** Continue this recording (a new segment after its last); default: start a new one. */
  recordingId?: string;
  segmentMaxBytes: number;
  segmentMaxAgeMs: number;
  gzipClosedSegments: boolean;
  logger: Logger;
  now?: () => number;
}

/**
 * gzip level of closed segments: 1 costs about a third of the default 6's CPU for ~25% larger files. A recorder on a
 * small box compresses a 64 MB segment every few seconds at full rate, on the cores PostgreSQL and decoding need.
 */
const GZIP_LEVEL = 1;

/** Pending lines are written out once they reach this size, without waiting for sync(). */
const WRITE_THRESHOLD_BYTES = 1 << 20;

export class RecordingWriter {
  /**
   * The open segment. A promise, swapped synchronously on rotation: a line appended while the old segment closes or
   * the new one opens must go to the new one, never to a handle being closed (that lost lines and crashed the process).
   */
  private file!: Promise<FileHandle>;
  private segment = 0;
  private segmentBytes = 0;
  private segmentStartedAt = 0;
  private pending: string[] = [];
  private pendingBytes = 0;
  private writes: Promise<void> = Promise.resolve();
  private syncing: Promise<number> = Promise.resolve(0);
  private compressions: Promise<void>[] = [];
  private seq = 0;
  private lastLineText = '';
  private durableSeq = 0;
  private bytesTotal = 0;
  private unlock: () => Promise<void> = async () => undefined;
  private failure: RecorderError | null = null;
  private readonly failedSignal: Promise<never>;
  private reportFailure: (error: RecorderError) => void = () => undefined;

  private constructor(readonly id: string, readonly folder: string, private readonly options: RecordingWriterOptions) {
    this.failedSignal = new Promise<never>((_, reject) => { this.reportFailure = reject; });
    this.failedSignal.catch(() => undefined); // for whoever watches `failed`; unwatched it must not end the process
  }

  static async open(options: RecordingWriterOptions): Promise<RecordingWriter> {
    const now = options.now ?? Date.now;
    const id = options.recordingId ?? newRecordingId(now());
    const folder = path.join(options.dir, id);
    await mkdir(folder, { recursive: true, mode: 0o700 }); // a recording holds an account's orders: owner only
    const writer = new RecordingWriter(id, folder, options);
    writer.unlock = await lockRecording(folder, options.logger);
    const previous = await existingSegments(folder);
    writer.seq = previous.length > 0 ? await lastSeqOf(folder) : 0;
    writer.durableSeq = writer.seq;
    if (options.gzipClosedSegments) for (const name of previous.filter((n) => n.endsWith('.ndjson'))) writer.compress(name);
    writer.startSegment((segmentNumber(previous.at(-1) ?? '') ?? 0) + 1);
    await writer.writes;
    return writer;
  }

  /** The last sequence number handed out. */
  get lastSeq(): number {
    return this.seq;
  }

  /** The last sequence number known to be on disk. */
  get syncedSeq(): number {
    return this.durableSeq;
  }

  /** The text of the line appended last (what a reader will parse for it). */
  get lastLine(): string {
    return this.lastLineText;
  }

  /** The number of the segment being written. */
  get openSegment(): number {
    return this.segment;
  }

  get bytesWritten(): number {
    return this.bytesTotal;
  }

  /**
   * Rejects when the journal cannot be written (disk full, the volume gone): every line after that is lost and no
   * flush can commit, so the recorder stops and says why rather than run on without a journal.
   */
  get failed(): Promise<never> {
    return this.failedSignal;
  }

  appendWs(text: string, frame: unknown, parsed: unknown, ts: number): number {
    return this.push(wsLine(this.seq + 1, ts, text, frame, parsed));
  }

  appendRest(response: { method: string; path: string; status: number; body: unknown }, ts: number): number {
    return this.push(restLine(this.seq + 1, ts, response));
  }

  appendEvent(event: string, detail: Record<string, unknown>, ts: number): number {
    return this.push(eventLine(this.seq + 1, ts, event, detail));
  }

  /** Writes and fdatasyncs everything appended so far; resolves with the last seq now durable. */
  sync(): Promise<number> {
    this.syncing = this.syncing.catch(() => 0).then(() => this.syncNow());
    return this.syncing;
  }

  private async syncNow(): Promise<number> {
    this.writePending();
    const upTo = this.seq;
    const file = this.file;
    this.chain(async () => (await file).datasync());
    await this.writes;
    this.durableSeq = Math.max(this.durableSeq, upTo);
    if (this.rotationDue()) await this.rotate();
    return this.durableSeq;
  }

  async close(): Promise<void> {
    if (this.failure) {
      // Nothing more can be made durable; release the file and the lock so the next start can try again.
      await (await this.file.catch(() => null))?.close().catch(() => undefined);
      await this.unlock();
      return;
    }
    await this.sync();
    await (await this.file).close();
    if (this.options.gzipClosedSegments) this.compress(segmentName(this.segment));
    await Promise.all(this.compressions);
    await this.unlock();
  }

  private push(line: string): number {
    if (this.failure) return ++this.seq; // not journaled: the recorder is stopping (see failed)
    this.lastLineText = line;
    this.seq += 1;
    this.pending.push(line);
    this.pendingBytes += line.length + 1;
    if (this.pendingBytes >= WRITE_THRESHOLD_BYTES) this.writePending();
    return this.seq;
  }

  private writePending(): void {
    if (this.pending.length === 0) return;
    const chunk = `${this.pending.join('\n')}\n`;
    this.pending = [];
    this.pendingBytes = 0;
    const file = this.file;
    const bytes = Buffer.byteLength(chunk);
    this.segmentBytes += bytes;
    this.bytesTotal += bytes;
    this.chain(async () => { await (await file).write(chunk); });
  }

  /**
   * Appends a step to the write chain. A failure breaks the chain for good: later steps are skipped, every sync()
   * fails (so no flush commits past the journal), and it is reported once through `failed` — never left as an
   * unhandled rejection that would end the process without a word.
   */
  private chain(step: () => Promise<unknown>): void {
    this.writes = this.writes.then(async () => { await step(); });
    this.writes.catch((error: unknown) => this.fail(error));
  }

  /** The first failed write, open or sync: kept, logged once, and signalled through `failed`. */
  private fail(error: unknown): void {
    if (this.failure) return;
    const reason = error instanceof Error ? error.message : String(error);
    this.failure = new RecorderError('RECORDING_WRITE_FAILED',
      `cannot write the recording ${this.folder} (${reason}); lines after seq ${this.durableSeq} are not journaled, stopping`, { cause: error });
    this.pending = [];
    this.pendingBytes = 0;
    this.options.logger.error({ err: error, folder: this.folder, syncedSeq: this.durableSeq }, 'the recording cannot be written');
    this.reportFailure(this.failure);
  }

  private rotationDue(): boolean {
    const age = (this.options.now ?? Date.now)() - this.segmentStartedAt;
    return this.segmentBytes >= this.options.segmentMaxBytes || age >= this.options.segmentMaxAgeMs;
  }

  private async rotate(): Promise<void> {
    const closed = segmentName(this.segment);
    const old = this.file;
    this.writePending(); // what is pending belongs to the old segment
    this.startSegment(this.segment + 1); // synchronous: every later line goes to the new one
    this.chain(async () => (await old).close());
    await this.writes;
    if (this.options.gzipClosedSegments) this.compress(closed);
  }

  /** Opens the next segment and queues its meta line first; nothing awaits between the swap and the queueing. */
  private startSegment(segment: number): void {
    const now = (this.options.now ?? Date.now)();
    this.segment = segment;
    this.file = open(path.join(this.folder, segmentName(segment)), 'a', 0o600);
    this.file.catch(() => undefined); // reported through the write chain
    this.segmentStartedAt = now;
    this.segmentBytes = 0;
    const meta = { type: 'meta', format: FORMAT, recording: this.id, segment, startedAt: new Date(now).toISOString(), firstSeq: this.seq + 1 };
    this.pending.unshift(JSON.stringify(meta));
    this.writePending();
  }

  /** gzip to a temp name, rename, then remove the plain file: at every instant one complete copy exists. */
  private compress(name: string): void {
    const source = path.join(this.folder, name);
    const target = `${source}.gz`;
    const job = pipeline(createReadStream(source), createGzip({ level: GZIP_LEVEL }), createWriteStream(`${target}.tmp`, { mode: 0o600 }))
      .then(() => rename(`${target}.tmp`, target))
      .then(() => unlink(source))
      .catch((error: unknown) => this.options.logger.warn({ err: error, segment: name }, 'could not compress a closed segment; it stays uncompressed'));
    this.compressions.push(job);
  }
}

/**
 * One writer per recording: a second recorder on the same folder would interleave two journals. The lock holds the
 * owner's pid, so a restart after a crash (kill -9, OOM) takes over a lock whose owner is gone instead of waiting.
 */
const heldHere = new Set<string>();

async function lockRecording(folder: string, logger: Logger): Promise<() => Promise<void>> {
  if (heldHere.has(folder)) throw new RecorderError('RECORDING_LOCKED', `recording ${folder} is already being written by this process`);
  const lockPath = path.join(folder, '.lock');
  const ownerFile = path.join(folder, '.lock-owner');
  const take = () => lockfile.lock(folder, {
    realpath: false, lockfilePath: lockPath, stale: 30_000,
    onCompromised: (error) => logger.error({ err: error, folder }, 'the recording lock was taken over while held'),
  });
  let release: () => Promise<void>;
  try {
    release = await take();
  } catch {
    const owner = Number(await readFile(ownerFile, 'utf8').catch(() => ''));
    if (!(owner > 0) || (owner !== process.pid && isProcessAlive(owner))) {
      throw new RecorderError('RECORDING_LOCKED', `recording ${folder} is being written by another recorder (pid ${owner || 'unknown'}); stop it first`);
    }
    logger.warn({ folder, previousOwner: owner }, 'taking over the lock of a recorder that is gone');
    await rm(lockPath, { recursive: true, force: true });
    release = await take();
  }
  // Our own pid in a lock we do not hold is a previous run of ours: containers restart the recorder as pid 1.
  await writeFile(ownerFile, String(process.pid));
  heldHere.add(folder);
  return async () => {
    heldHere.delete(folder);
    await rm(ownerFile, { force: true });
    await release();
  };
}

export function newRecordingId(now: number): string {
  return `${DateTime.fromMillis(now, { zone: 'utc' }).toFormat("yyyyMMdd'T'HHmmss'Z'")}-${randomBytes(3).toString('hex')}`;
}

async function existingSegments(folder: string): Promise<string[]> {
  const names = await readdir(folder);
  return names.filter((n) => segmentNumber(n) !== null).sort();
}
