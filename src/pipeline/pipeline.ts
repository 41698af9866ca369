// The recorder's core path (design.md §2–§3): capture journals every frame, body and event to the recording, decode
// turns lines into rows, buffers hold them, and one flush transaction commits them with the recording's checkpoint.
//
// Two modes. LIVE decodes each frame as it is captured. CATCHUP re-reads the recording from the checkpoint instead:
// after a start (exactly once across crashes), after a failed flush (database down: nothing is kept in memory, the
// recording is the backlog) and when buffers overflow. Catch-up hands over to live at an exact seq, synchronously.
import type pg from 'pg';
import type { CaptureSink } from '../capture/sink.js';
import { redactInboundFrame } from '../capture/redact.js';
import type { Logger } from '../log/logger.js';
import { maskAccountNumbersInText } from '../schwab/account-mask.js';
import {
  backlogLines, bufferMaxBytes, bufferMaxRows, bufferedBytes, bufferedRows, committedSeq, flushFailures,
  pipelineMode, recordedSeq, recordingBytes,
} from '../metrics/registry.js';
import type { DataLine } from '../recording/format.js';
import { readRecording, type Damage } from '../recording/reader.js';
import type { RecordingWriter } from '../recording/writer.js';
import { Buffers, type Batch, type BufferLimits } from './buffers.js';
import { Flusher, readCheckpoint, type Checkpoint, type FlushResult } from './flusher.js';
import { errorText } from '../errors.js';
import { LineDecoder, type LineSink } from './line-decoder.js';
import { Tail } from './tail.js';
import { BacklogClock } from './backlog-clock.js';

export interface PipelineOptions {
  pool: pg.Pool;
  recordingId: string;
  /** The recording to (re)read in catch-up: the writer's folder when live, the replayed file or folder otherwise. */
  recordingPath: string;
  /** Live only: the recording being written. Without it the pipeline replays `recordingPath` once. */
  writer?: RecordingWriter;
  buffers: BufferLimits & { flushRows: number };
  flushIntervalMs: number;
  retry: { initialDelayMs: number; maxDelayMs: number };
  logger: Logger;
  /** Replay pacing: called before each line is decoded (e.g. to replay at recorded speed). */
  pace?: (line: DataLine) => Promise<void>;
  onDamage?: (damage: Damage) => void;
  /** How often a commit also saves the decoder's state (default a minute): a catch-up decodes from the newest one. */
  decoderStateEveryMs?: number;
  /** After every commit: the receive time and row count of each line it committed (the benchmark's latency). */
  onCommit?: (commit: CommitInfo) => void;
  now?: () => number;
}

export interface CommitInfo {
  committedAt: number;
  lineTs: readonly number[];
  lineRows: readonly number[];
}

export type PipelineMode = 'live' | 'catchup';

export interface PipelineHealth {
  /** Age of the oldest uncommitted line (0 when all is committed). */
  backlogSeconds: number;
  /** How long there has been something to commit and no commit. */
  stuckSeconds: number;
  /** When flushes started failing, and the last failure's reason (SQLSTATE: message); null while they succeed. */
  failingSince: number | null;
  failure: string | null;
}

/** Text of the newest lines kept while catching up (see tail.ts). */
const TAIL_MAX_BYTES = 16 << 20;

export interface PipelineTotals {
  lines: number;
  written: Record<string, number>;
  rejected: number;
}

export class Pipeline implements CaptureSink {
  private readonly buffers: Buffers;
  private readonly flusher: Flusher;
  private readonly tail = new Tail(TAIL_MAX_BYTES);
  private decoder: LineDecoder;
  private modeValue: PipelineMode = 'catchup';
  private committed: Checkpoint = { lastSeq: 0, decodeFromSeq: 0, decoderState: null, lastReceivedAt: null };
  private stateSavedAt = Number.NEGATIVE_INFINITY;
  private flushing: Promise<void> | null = null;
  private inflight: Promise<void> | null = null;
  /** The first failure of a flush started without being awaited (catch-up's overlapped flushes); cleared per pass. */
  private flushError: unknown = null;
  /** Set when live decoding paused on full buffers: catch-up continues with this decoder after this seq. */
  private resumeAt: { decoder: LineDecoder; position: number } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private failures = 0;
  /** Since when flushes have been failing, and why (for /readyz); null while they succeed. */
  private failing: { since: number; reason: string } | null = null;
  private readonly clock: BacklogClock;
  private recordingBytesSeen = 0;
  private readonly now: () => number;
  readonly totals: PipelineTotals = { lines: 0, written: {}, rejected: 0 };

  private constructor(private readonly options: PipelineOptions) {
    this.now = options.now ?? Date.now;
    this.clock = new BacklogClock(this.now);
    // What the decoders do not know is noted once as an unknown_* event; the warning goes with it.
    this.buffers = new Buffers(options.buffers, (e) => {
      if (e.event.startsWith('unknown_')) options.logger.warn({ event: e.event, ...e.detail, seq: e.seq }, 'the recorder does not decode this yet; kept in the recording');
    });
    this.flusher = new Flusher(options.pool, options.recordingId, this.now, options.logger);
    this.decoder = new LineDecoder(this.buffers);
    bufferMaxRows.set(options.buffers.maxRows);
    bufferMaxBytes.set(options.buffers.maxBytes);
  }

  /** Reads the recording's checkpoint; the pipeline starts in catch-up and goes live once it has caught up. */
  static async open(options: PipelineOptions): Promise<Pipeline> {
    const pipeline = new Pipeline(options);
    const checkpoint = await readCheckpoint(options.pool, options.recordingId);
    pipeline.committed = checkpoint;
    pipeline.clock.committed(checkpoint.lastSeq, checkpoint.lastReceivedAt ?? 0);
    // Lines journaled before this start and not committed are at least as old as the last committed one.
    const recorded = options.writer?.lastSeq ?? 0;
    if (recorded > checkpoint.lastSeq) pipeline.clock.journaled(checkpoint.lastSeq + 1, checkpoint.lastReceivedAt ?? pipeline.now());
    pipeline.setMode('catchup');
    return pipeline;
  }

  get mode(): PipelineMode {
    return this.modeValue;
  }

  get committedSeq(): number {
    return this.committed.lastSeq;
  }

  /** Whether commits advance, for /readyz and the gauges: computed now, not at the last flush. */
  health(): PipelineHealth {
    return {
      backlogSeconds: this.clock.backlogSeconds(),
      stuckSeconds: this.clock.stuckSeconds(),
      failingSince: this.failing?.since ?? null,
      failure: this.failing?.reason ?? null,
    };
  }

  /** Rows held in memory now (bounded by buffers.maxRows). */
  get bufferedRows(): number {
    return this.buffers.rowCount;
  }

  /** Live: catches up, then flushes on the timer and whenever buffers reach flushRows. */
  start(): void {
    this.schedule(0);
  }

  /** Replay: reads the whole recording after its checkpoint and commits it; resolves when done. */
  async replay(): Promise<PipelineTotals> {
    await this.catchUp();
    await this.flushNow();
    return this.totals;
  }

  /** Final flush (or catch-up to the end), then closes the recording. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.flushing;
    try {
      if (this.modeValue === 'catchup') await this.catchUp();
      await this.flushNow();
    } catch (error) {
      this.options.logger.warn({ err: error }, 'final flush failed; the recording holds the rest for the next start');
    }
    await this.options.writer?.close();
  }

  // ---- capture (live)

  wsFrame(text: string, parsed: unknown, receivedAt: number): void {
    let frame: unknown;
    try {
      frame = parsed === undefined ? undefined : redactInboundFrame(parsed);
    } catch (error) {
      // Never journal what could not be redacted as parsed: it becomes a ws-text line masked by text, and is quarantined.
      this.options.logger.warn({ reason: errorText(error) }, 'a frame could not be redacted; journaled as text with its account numbers masked');
      text = maskAccountNumbersInText(text);
      frame = parsed = undefined;
    }
    const seq = this.liveWriter().appendWs(text, frame, parsed, receivedAt);
    this.accept(frame === undefined
      ? { seq, ts: receivedAt, type: 'ws-text', text }
      : { seq, ts: receivedAt, type: 'ws', frame });
  }

  /** A REST body; the REST client has masked its account numbers already (see capture/redact-rest.ts). */
  rest(response: { method: string; path: string; status: number; body: unknown }, receivedAt: number): void {
    const seq = this.liveWriter().appendRest(response, receivedAt);
    this.accept({ seq, ts: receivedAt, type: 'rest', ...response });
  }

  event(event: string, detail: Record<string, unknown>, at: number): void {
    const seq = this.liveWriter().appendEvent(event, detail, at);
    this.accept({ seq, ts: at, type: 'event', event, detail });
  }

  /** Live: decode now. Catching up: keep it in the tail for the hand-over (the recording has it anyway). */
  private accept(line: DataLine): void {
    this.journaled(line.seq, line.ts);
    if (this.modeValue !== 'live') return this.tail.push(line.seq, this.liveWriter().lastLine);
    this.decoder.decode(line);
    this.decoded(line.seq, line.ts);
  }

  private liveWriter(): RecordingWriter {
    if (!this.options.writer) throw new Error('this pipeline replays a recording; it has no live capture');
    return this.options.writer;
  }

  private journaled(seq: number, ts: number): void {
    this.clock.journaled(seq, ts);
    recordedSeq.set(seq);
    backlogLines.set(seq - this.committed.lastSeq);
  }

  private decoded(seq: number, ts: number): void {
    this.buffers.decoded(seq, ts, this.decoder.lastResetSeq);
    if (this.buffers.rowCount >= this.options.buffers.flushRows && !this.flushing) this.schedule(0);
    if (this.buffers.full()) this.pauseLive();
  }

  /**
   * The database is not keeping up: stop decoding frames as they arrive (they go to the recording and the tail) and
   * catch up from the recording right after the last decoded line, keeping what is buffered and the decoder's state —
   * nothing decoded is thrown away, memory stops growing, and a transient stall costs no re-reading.
   */
  private pauseLive(): void {
    this.options.logger.warn({ bufferedRows: this.buffers.rowCount, committedSeq: this.committed.lastSeq },
      'buffers full: the database is not keeping up; reading the recording until it does');
    this.resumeAt = { decoder: this.decoder, position: this.buffers.lastSeq };
    this.setMode('catchup');
    this.schedule(0);
  }

  /** Drops what memory holds (a flush failed); the recording has it all, and catch-up re-reads it from the checkpoint. */
  private shed(reason: string): void {
    this.options.logger.debug({ reason, committedSeq: this.committed.lastSeq }, 'shedding buffers; catching up from the recording');
    this.resumeAt = null;
    this.buffers.discard(this.committed.lastSeq, this.committed.decodeFromSeq);
    this.setMode('catchup');
  }

  // ---- flushing

  /**
   * Flushes start on a fixed cadence: the next one `flushIntervalMs` after this one STARTED, not after it ended,
   * since rows wait from the previous take until their commit (receive→commit would otherwise be interval + two
   * flush durations).
   */
  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      const started = this.now();
      this.flushing ??= this.tick().finally(() => {
        this.flushing = null;
        const elapsed = this.now() - started;
        this.schedule(this.failures > 0 ? this.retryInMs : Math.max(0, this.options.flushIntervalMs - elapsed));
      });
    }, delayMs);
  }

  /** The next delay after a failed tick: set by tick, used by schedule. */
  private retryInMs = 0;

  private async tick(): Promise<void> {
    try {
      if (this.modeValue === 'catchup') await this.catchUp();
      else await this.flushNow();
    } catch (error) {
      // The count is reset only by a commit: a catch-up pass that commits nothing must not restart the backoff.
      this.failures += 1;
      flushFailures.inc();
      const reason = errorText(error);
      this.failing ??= { since: this.now(), reason };
      this.failing.reason = reason;
      this.retryInMs = this.retryDelay();
      // One line per backoff step, no stack: the reason is the database's, and it repeats until it is fixed.
      this.options.logger.warn({ reason, attempt: this.failures, retryInMs: Math.round(this.retryInMs), failingSince: new Date(this.failing.since).toISOString() },
        'flush failed; retrying from the recording');
      this.resumeAt = null; // what was buffered is lost with the failed batch: start again from the checkpoint
      if (this.modeValue === 'live') this.shed('flush failed');
    }
  }

  /**
   * Commits what the buffers hold (taken now, synchronously), after making the recording durable up to it. Commits
   * run one after another: a batch waits for the previous one and fails with it, so a checkpoint never passes a
   * batch that was not committed.
   */
  private flushNow(): Promise<void> {
    const batch = this.buffers.take();
    this.attachDecoderState(batch);
    const job = (this.inflight ?? Promise.resolve()).then(() => this.commit(batch));
    this.inflight = job;
    // The failure is reported to whoever awaits the job; the chain restarts clean after it (catch-up re-reads).
    job.catch((error: unknown) => {
      if (this.inflight === job) this.inflight = null;
      this.flushError ??= error;
    });
    return job;
  }

  private async commit(batch: Batch): Promise<void> {
    if (batch.lastSeq <= this.committed.lastSeq && batch.rowCount === 0 && batch.events.length === 0) return;
    await this.options.writer?.sync();
    const result = await this.flusher.flush(batch);
    this.committed = {
      lastSeq: batch.lastSeq, decodeFromSeq: batch.decodeFromSeq, decoderState: batch.decoderState ?? this.committed.decoderState, lastReceivedAt: batch.lastTs,
    };
    this.count(result);
    this.failures = 0;
    this.failing = null;
    this.clock.committed(batch.lastSeq, batch.lastTs);
    this.options.onCommit?.({ committedAt: this.now(), lineTs: batch.lineTs, lineRows: batch.lineRows });
    committedSeq.set(batch.lastSeq);
    this.updateBacklog();
  }

  /**
   * Re-reads the recording — after the last decoded line when live decoding paused, else from where decoding must
   * restart to rebuild the state of the checkpoint, dropping what is already committed — commits as it goes, and,
   * when live, hands over to live decoding at the exact last seq read.
   */
  private async catchUp(): Promise<void> {
    this.flushError = null;
    const start = this.resumeAt ?? this.fromCheckpoint();
    this.resumeAt = null;
    const { decoder } = start;
    let { position } = start;
    for (;;) {
      await this.options.writer?.sync();
      position = await this.readFrom(decoder, position);
      await this.flushed();
      if (!this.options.writer || this.handOver(decoder, position)) return;
      await this.flushNow();
    }
  }

  /**
   * Where catch-up starts reading, with `decoder` set up for it: the saved decoder state when it is newer than the
   * last reset (decode from the line after it), else empty from the reset — both rebuild the state of the checkpoint.
   */
  private fromCheckpoint(): { decoder: LineDecoder; position: number } {
    const decoder = new LineDecoder(this.skipCommitted(this.buffers));
    this.decoder = decoder; // unused for live frames until the hand-over; flushNow takes its state
    this.buffers.discard(this.committed.lastSeq, this.committed.decodeFromSeq);
    const { decodeFromSeq, decoderState } = this.committed;
    decoder.lastResetSeq = decodeFromSeq;
    if (decoderState !== null && decoderState.seq >= decodeFromSeq) {
      decoder.restore(decoderState);
      return { decoder, position: decoderState.seq };
    }
    return { decoder, position: decodeFromSeq > 0 ? decodeFromSeq - 1 : 0 };
  }

  /** About once a minute a batch carries the decoder's state as of its last seq, saved with its checkpoint. */
  private attachDecoderState(batch: Batch): void {
    const now = this.now();
    if (now - this.stateSavedAt < (this.options.decoderStateEveryMs ?? 60_000)) return;
    // Only a state exactly at the batch's end is the checkpoint's (lines decoded but not yet batched would not be).
    if (this.decoder.lastSeq !== batch.lastSeq || batch.lastSeq <= this.committed.lastSeq) return;
    batch.decoderState = this.decoder.state();
    this.stateSavedAt = now;
  }

  /**
   * Synchronous, so no frame can be journaled in between: decodes the lines after `position` from the tail and
   * switches to live. False when the tail lacks some of them (dropped by its bound): read the disk again first.
   */
  private handOver(decoder: LineDecoder, position: number): boolean {
    const writer = this.options.writer;
    const rest = writer ? this.tail.after(position, writer.lastSeq) : null;
    if (rest === null) return false;
    for (const line of rest) this.decodeLine(decoder, line);
    this.tail.clear();
    this.decoder = decoder;
    this.setMode('live');
    return true;
  }

  private decodeLine(decoder: LineDecoder, line: DataLine): void {
    decoder.decode(line);
    this.totals.lines += 1;
    if (line.seq > this.committed.lastSeq) this.buffers.decoded(line.seq, line.ts, decoder.lastResetSeq);
  }

  /** Decodes lines after `position`; returns the last seq read. Flushes whenever the buffers reach flushRows. */
  private async readFrom(decoder: LineDecoder, position: number): Promise<number> {
    let last = position;
    for await (const line of readRecording(this.options.recordingPath, { afterSeq: position, onDamage: (d) => this.damage(d) })) {
      if (line.type === 'meta') continue;
      await this.options.pace?.(line);
      this.decodeLine(decoder, line);
      last = line.seq;
      if (this.buffers.rowCount >= this.options.buffers.flushRows) {
        // One flush in flight while the next batch is decoded: Node decodes while PostgreSQL copies.
        await this.flushed();
        void this.flushNow();
      }
    }
    return last;
  }

  /**
   * Waits for the flush in flight; throws if an overlapped flush failed, so a catch-up stops reading (and backs off
   * in tick) instead of decoding the rest of the recording into flushes that cannot commit while the database is down.
   */
  private async flushed(): Promise<void> {
    await this.inflight;
    if (this.flushError !== null) throw this.flushError;
  }

  /** A sink that forwards only what comes from lines after the checkpoint (earlier ones only rebuild state). */
  private skipCommitted(sink: LineSink): LineSink {
    const after = () => this.committed.lastSeq;
    return {
      row: (table, row, seq) => { if (seq > after()) sink.row(table, row, seq); },
      snapshot: (snapshot, seq) => { if (seq > after()) sink.snapshot(snapshot, seq); },
      reject: (r) => { if (r.seq > after()) sink.reject(r); },
      event: (e) => { if (e.seq > after()) sink.event(e); },
      unknown: (service, kind) => sink.unknown(service, kind),
      untracked: (service) => sink.untracked(service),
    };
  }

  private damage(damage: Damage): void {
    // A live recording's open segment can end mid-write while it is read; the next pass reads that line whole.
    if (this.options.writer) this.options.logger.debug({ damage }, 'recording read stopped at an incomplete line');
    else this.options.logger.warn({ file: damage.file, line: damage.line }, damage.reason);
    this.options.onDamage?.(damage);
  }

  private count(result: FlushResult): void {
    for (const [table, n] of Object.entries(result.written)) this.totals.written[table] = (this.totals.written[table] ?? 0) + (n ?? 0);
    this.totals.rejected += result.rejected;
  }

  private updateBacklog(): void {
    bufferedRows.set(this.buffers.rowCount);
    bufferedBytes.set(this.buffers.byteEstimate);
    const writer = this.options.writer;
    if (writer) {
      recordingBytes.inc(writer.bytesWritten - this.recordingBytesSeen);
      this.recordingBytesSeen = writer.bytesWritten;
    }
    const recorded = writer?.lastSeq ?? this.committed.lastSeq;
    backlogLines.set(Math.max(0, recorded - this.committed.lastSeq));
  }

  private retryDelay(): number {
    const { initialDelayMs, maxDelayMs } = this.options.retry;
    return Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(this.failures - 1, 16)) * (0.5 + Math.random() / 2);
  }

  private setMode(mode: PipelineMode): void {
    this.modeValue = mode;
    pipelineMode.set({ mode: 'live' }, mode === 'live' ? 1 : 0);
    pipelineMode.set({ mode: 'catchup' }, mode === 'catchup' ? 1 : 0);
  }
}
