// Rows waiting for the next flush, per table, bounded by rows and bytes. A batch is taken whole (a synchronous
// swap), so a frame's rows never straddle two flushes and the batch's last seq is an exact checkpoint.
import { columnIndex, TABLES, type Row, type TableName } from '../decode/tables.js';
import type { Snapshot } from '../decode/rest/types.js';
import { decodeUnknown, levelOneUntracked } from '../metrics/registry.js';
import type { SnapshotRecord } from '../store/snapshots/types.js';
import type { DecoderState, EventRecord, LineSink, RejectRecord } from './line-decoder.js';

export interface TableRows {
  rows: Row[];
  seqs: number[];
}

export interface Batch {
  tables: Map<TableName, TableRows>;
  snapshots: SnapshotRecord[];
  rejects: RejectRecord[];
  events: EventRecord[];
  /** Every line up to this seq is decoded into this batch (or into an earlier one). */
  lastSeq: number;
  lastTs: number;
  /** Where decoding must restart to rebuild the decoder's state as of lastSeq (see LineDecoder.lastResetSeq). */
  decodeFromSeq: number;
  rowCount: number;
  /** Receive time and row count of every line that added rows, in order: receive→commit latency per line. */
  lineTs: number[];
  lineRows: number[];
  /** The decoder's state as of lastSeq, when this batch's commit saves one with the checkpoint (about once a minute). */
  decoderState?: DecoderState;
}

export interface BufferLimits {
  maxRows: number;
  maxBytes: number;
}

// A decoded row held in memory costs roughly this much per column (object slot, boxed number or string).
const BYTES_PER_CELL = 24;
// A row of a decoded REST snapshot (a contract, a deliverable, an order) held in memory: rough, for the bound only.
const SNAPSHOT_ROW_BYTES = 1024;

const SEQ_COLUMN = Object.fromEntries(Object.keys(TABLES).map((table) =>
  [table, columnIndex(table as TableName, 'seq')])) as Record<TableName, number>;

export class Buffers implements LineSink {
  private batch: Batch = emptyBatch(0, 0);
  private bytes = 0;
  /** batch.rowCount when the previous line was marked decoded: what the current line added is the difference. */
  private rowsBeforeLine = 0;

  /** `onEvent` sees every event buffered: only lines after the checkpoint reach the buffers. */
  constructor(private readonly limits: BufferLimits, private readonly onEvent?: (event: EventRecord) => void) {}

  row(table: TableName, row: Row, seq: number): void {
    let rows = this.batch.tables.get(table);
    if (!rows) this.batch.tables.set(table, (rows = { rows: [], seqs: [] }));
    // Tick tables keep the line a row came from (their `seq` column).
    const at = SEQ_COLUMN[table];
    if (at >= 0) row[at] = seq;
    rows.rows.push(row);
    rows.seqs.push(seq);
    this.batch.rowCount += 1;
    this.bytes += TABLES[table].columns.length * BYTES_PER_CELL;
  }

  /**
   * A snapshot counts as the rows it holds: a $SPX chain is thousands of contracts, and counted as one it let a
   * replay of chains decode a dozen of them (hundreds of MB) into one batch before the first flush.
   */
  snapshot(snapshot: Snapshot, seq: number): void {
    const rows = rowsIn(snapshot.data);
    this.batch.snapshots.push({ snapshot, seq });
    this.batch.rowCount += rows;
    this.bytes += rows * SNAPSHOT_ROW_BYTES;
  }

  reject(reject: RejectRecord): void {
    this.batch.rejects.push(reject);
    this.bytes += reject.raw.length * 2;
  }

  event(event: EventRecord): void {
    this.batch.events.push(event);
    this.onEvent?.(event);
  }

  unknown(service: string, kind: string): void {
    decodeUnknown.inc({ service, kind });
  }

  untracked(service: string): void {
    levelOneUntracked.inc({ service });
  }

  /** Marks a line as fully decoded: the batch now accounts for every seq up to it. */
  decoded(seq: number, ts: number, decodeFromSeq: number): void {
    const added = this.batch.rowCount - this.rowsBeforeLine;
    if (added > 0) {
      this.batch.lineTs.push(ts);
      this.batch.lineRows.push(added);
      this.rowsBeforeLine = this.batch.rowCount;
    }
    this.batch.lastSeq = seq;
    this.batch.lastTs = ts;
    this.batch.decodeFromSeq = decodeFromSeq;
  }

  /** Every line up to this seq is decoded into the buffers (or committed). */
  get lastSeq(): number {
    return this.batch.lastSeq;
  }

  get rowCount(): number {
    return this.batch.rowCount + this.batch.rejects.length + this.batch.events.length;
  }

  get byteEstimate(): number {
    return this.bytes;
  }

  full(): boolean {
    return this.rowCount >= this.limits.maxRows || this.bytes >= this.limits.maxBytes;
  }

  /** Takes everything buffered; the buffers start empty from the same position. */
  take(): Batch {
    const taken = this.batch;
    this.batch = emptyBatch(taken.lastSeq, taken.decodeFromSeq);
    this.bytes = 0;
    this.rowsBeforeLine = 0;
    return taken;
  }

  /** Drops everything buffered (shedding to catch-up mode); the next batch starts after `seq`. */
  discard(seq: number, decodeFromSeq: number): void {
    this.batch = emptyBatch(seq, decodeFromSeq);
    this.bytes = 0;
    this.rowsBeforeLine = 0;
  }
}

/** The rows a snapshot carries: the lengths of its arrays (contracts, deliverables, orders...), at least one. */
function rowsIn(data: unknown): number {
  if (Array.isArray(data)) return Math.max(1, data.length);
  if (typeof data !== 'object' || data === null) return 1;
  let rows = 0;
  for (const value of Object.values(data)) if (Array.isArray(value)) rows += value.length;
  return Math.max(1, rows);
}

function emptyBatch(lastSeq: number, decodeFromSeq: number): Batch {
  return { tables: new Map(), snapshots: [], rejects: [], events: [], lastSeq, lastTs: 0, decodeFromSeq, rowCount: 0, lineTs: [], lineRows: [] };
}
