// Writes one batch in ONE transaction: COPY per table (keyed tables through a temp staging table and
// INSERT ... ON CONFLICT), the quarantined rows, the session events and the recording's checkpoint. Commit is the
// only acknowledgement: either all of it is in the database or none of it is.
import type pg from 'pg';
import { columnIndex, namedRow, TABLES, type Row, type TableName, type TableSpec } from '../decode/tables.js';
import { ensurePartitionsFor, partitionedTable, periodStart, PARTITIONED_TABLES } from '../db/partitions.js';
import { flushBatchRows, flushDuration, receiveToCommit, rowsRejected, rowsWritten } from '../metrics/registry.js';
import type { Batch, TableRows } from './buffers.js';
import { copyRows, writeWithBisect } from '../store/copy.js';
import { supportsBinary } from '../store/copy-binary.js';
import { quoteIdent } from '../store/copy-text.js';
import { storableJson, storableText } from '../store/storable.js';
import { jsonExcerpt } from '../decode/json-text.js';
import { isSaneInstant } from '../decode/values.js';
import type { Logger } from '../log/logger.js';
import { errorText } from '../errors.js';
import { LINE_REJECT_TABLE, type DecoderState, type RejectRecord } from './line-decoder.js';
import type { LevelOneSnapshot } from '../decode/stream-decoder.js';
import { SNAPSHOT_WRITERS, writeSnapshots } from '../store/snapshots/registry.js';

interface LineFailure {
  reject: RejectRecord;
  error: unknown;
}

interface Written {
  written: FlushResult['written'];
  rejects: RejectRecord[];
}

export interface FlushResult {
  /** Rows written per table: the decoded tables, and the seed tables snapshot writers fill. */
  written: Partial<Record<string, number>>;
  rejected: number;
}

export class Flusher {
  /** Partitions known to exist, as `table:periodStartMillis`: saves a catalog lookup per table per flush. */
  private readonly ensured = new Set<string>();

  constructor(
    private readonly pool: pg.Pool, private readonly recordingId: string, private readonly now: () => number = Date.now,
    private readonly logger?: Logger,
  ) {}

  async flush(batch: Batch): Promise<FlushResult> {
    const started = performance.now();
    await this.ensurePartitions(batch);
    const client = await this.pool.connect();
    let written: FlushResult['written'];
    let rejects: RejectRecord[];
    try {
      await client.query('BEGIN');
      ({ written, rejects } = await this.writeLines(client, batch));
      await saveCheckpoint(client, this.recordingId, batch);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    const result = { written, rejected: rejects.length };
    this.observe(batch, result, rejects, started);
    return result;
  }

  /**
   * Writes the batch under a savepoint. When that fails for a reason that is not transient (a value no row-level
   * bisection caught: an event, a reject, a snapshot writer's statement, an encoder), halves the batch by recording
   * line and retries each half, down to the one line that fails, which is quarantined whole: one bad line never
   * stalls the flush. A transient failure (database gone, disk full, serialization) propagates: the flush is retried.
   */
  private async writeLines(client: pg.ClientBase, batch: Batch): Promise<Written> {
    const lines = linesOf(batch);
    const failures: LineFailure[] = [];
    const written = await this.bisectLines(client, batch, lines, failures);
    // Every line refused alone, for a reason that is not about data (permissions, a missing table): the database is
    // wrong, not the lines. Retry later; quarantine nothing.
    const first = failures[0];
    if (first && lines.length > 1 && failures.length === lines.length && !aboutData(first.error)) throw first.error;
    const rejects = failures.map((f) => f.reject);
    await insertRejects(client, rejects, this.recordingId);
    written.rejects.push(...rejects);
    return written;
  }

  private async bisectLines(client: pg.ClientBase, batch: Batch, lines: readonly number[], failures: LineFailure[]): Promise<Written> {
    await client.query('SAVEPOINT line_bisect');
    try {
      const written = await this.writeContent(client, batch);
      await client.query('RELEASE SAVEPOINT line_bisect');
      return written;
    } catch (error) {
      if (isTransient(error)) throw error;
      await client.query('ROLLBACK TO SAVEPOINT line_bisect');
      await client.query('RELEASE SAVEPOINT line_bisect');
      if (lines.length <= 1) {
        failures.push({ reject: lineFailure(batch, lines[0] ?? batch.lastSeq, error), error });
        return { written: {}, rejects: [] };
      }
      const half = Math.ceil(lines.length / 2);
      const parts = [lines.slice(0, half), lines.slice(half)];
      const result: Written = { written: {}, rejects: [] };
      for (const part of parts) {
        const done = await this.bisectLines(client, linesBatch(batch, part), part, failures);
        addWritten(result.written, done.written);
        result.rejects.push(...done.rejects);
      }
      return result;
    }
  }

  /** Everything the batch holds but its checkpoint: rows by COPY, snapshots, rejects and events. */
  private async writeContent(client: pg.ClientBase, batch: Batch): Promise<Written> {
    const written: FlushResult['written'] = {};
    const rejects: RejectRecord[] = [...batch.rejects];
    for (const [table, rows] of batch.tables) {
      const bad = await this.writeTable(client, table, rows);
      for (const r of bad) rejects.push(r);
      written[table] = rows.rows.length - bad.length;
    }
    const snapshots = await writeSnapshots(client, batch.snapshots);
    addWritten(written, snapshots.written);
    rejects.push(...snapshots.rejects);
    await insertRejects(client, rejects, this.recordingId);
    await insertEvents(client, batch, this.recordingId);
    return { written, rejects };
  }

  private async writeTable(client: pg.ClientBase, table: TableName, data: TableRows): Promise<RejectRecord[]> {
    const spec = TABLES[table];
    const { rows, seqs } = spec.upsertKey ? lastPerKey(table, data, spec.upsertKey) : data;
    const write = spec.upsertKey
      ? await this.stagedUpsert(client, table, spec)
      : (part: readonly Row[]) => copyRows(client, table, spec.columns, part, formatOf(spec));
    const bad = await writeWithBisect(client, rows, write);
    return bad.map(({ index, reason }) => ({ table, reason, raw: jsonExcerpt(namedRow(table, rows[index]!)), seq: seqs[index] ?? 0 }));
  }

  /** A writer for keyed tables: COPY into a temp copy of the table, then upsert from it. */
  private async stagedUpsert(client: pg.ClientBase, table: TableName, spec: TableSpec): Promise<(rows: readonly Row[]) => Promise<void>> {
    const stage = `stage_${table}`;
    // ON COMMIT DROP keeps no session state between transactions: this works behind a transaction pooler.
    await client.query(`CREATE TEMP TABLE ${quoteIdent(stage)} (LIKE ${quoteIdent(table)} INCLUDING DEFAULTS) ON COMMIT DROP`);
    const columns = spec.columns.map((c) => quoteIdent(c.name));
    const key = (spec.upsertKey ?? []).map(quoteIdent);
    const updates = columns.filter((c) => !key.includes(c)).map((c) => `${c} = EXCLUDED.${c}`);
    const upsert = `INSERT INTO ${quoteIdent(table)} (${columns.join(', ')}) SELECT ${columns.join(', ')} FROM ${quoteIdent(stage)}
      ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${updates.join(', ')}`;
    return async (rows) => {
      await client.query(`TRUNCATE ${quoteIdent(stage)}`);
      await copyRows(client, stage, spec.columns, rows, formatOf(spec));
      await client.query(upsert);
    };
  }

  /**
   * Creates before the transaction whatever partitions the batch's rows need (once per period per process), for
   * believable times only. A partition that cannot be created for a reason that is not transient costs nothing but a
   * log line: its rows go to the DEFAULT partition, or are quarantined by the bisection if even that refuses them.
   */
  private async ensurePartitions(batch: Batch): Promise<void> {
    try {
      await this.ensureEach(batch);
    } catch (error) {
      if (isTransient(error)) throw error;
      this.logger?.warn({ reason: errorText(error) }, 'could not create a partition; its rows go to the DEFAULT partition');
    }
  }

  private async ensureEach(batch: Batch): Promise<void> {
    for (const [table, { rows }] of batch.tables) {
      const spec = PARTITIONED_TABLES.find((t) => t.table === table);
      if (!spec) continue;
      const at = columnIndex(table, spec.key);
      await this.ensure(table, rows.map((row) => row[at]).filter((instant): instant is number => typeof instant === 'number'));
    }
    for (const { writer, partitions } of SNAPSHOT_WRITERS) {
      const records = batch.snapshots.filter((r) => r.snapshot.kind === writer.kind);
      if (records.length === 0 || !partitions) continue;
      for (const { table, instants } of partitions(records)) await this.ensure(table, instants);
    }
  }

  private async ensure(table: string, instants: Array<Date | number>): Promise<void> {
    const spec = partitionedTable(table);
    const missing = new Map<string, Date>();
    // Partitions are at least a day long: one calendar computation per distinct UTC day, not per row.
    const days = new Set<number>();
    for (const at of instants) {
      const ms = typeof at === 'number' ? at : at.getTime();
      if (isSaneInstant(ms)) days.add(Math.floor(ms / 86_400_000));
    }
    for (const day of days) {
      const start = periodStart(spec.period, new Date(day * 86_400_000)).toMillis();
      const id = `${table}:${start}`;
      if (!this.ensured.has(id) && !missing.has(id)) missing.set(id, new Date(start));
    }
    if (missing.size === 0) return;
    await ensurePartitionsFor(this.pool, table, missing.values());
    for (const id of missing.keys()) this.ensured.add(id);
  }

  private observe(batch: Batch, result: FlushResult, rejects: RejectRecord[], started: number): void {
    flushDuration.observe((performance.now() - started) / 1000);
    flushBatchRows.observe(batch.rowCount);
    for (const [table, n] of Object.entries(result.written)) rowsWritten.inc({ table }, n);
    for (const r of rejects) rowsRejected.inc({ table: r.table, reason: reasonClass(r.reason) });
    const committedAt = this.now();
    for (const ts of batch.lineTs) receiveToCommit.observe(Math.max(0, committedAt - ts) / 1000);
  }
}

/** Binary COPY where the table's types allow it (the level-one tables: no text formatting or parsing of numbers). */
function formatOf(spec: TableSpec): 'text' | 'binary' {
  return supportsBinary(spec.columns) ? 'binary' : 'text';
}

/** Rows of a keyed table, the last one per key: a batch may carry the same bar twice (re-sent after a resubscribe). */
function lastPerKey(table: TableName, data: TableRows, key: readonly string[]): TableRows {
  const positions = key.map((name) => columnIndex(table, name));
  const index = new Map<string, number>();
  data.rows.forEach((row, i) => index.set(positions.map((at) => String(row[at])).join('\u0000'), i));
  if (index.size === data.rows.length) return data;
  const keep = [...index.values()].sort((a, b) => a - b);
  return { rows: keep.map((i) => data.rows[i]!), seqs: keep.map((i) => data.seqs[i]!) };
}

/** `23514: ...` → `23` (integrity), a decode reason → `decode`: a bounded label. */
function reasonClass(reason: string): string {
  const sqlstate = /^([0-9A-Z]{2})[0-9A-Z]{3}: /.exec(reason);
  return sqlstate ? `sqlstate_${sqlstate[1]}` : 'decode';
}

// Rejects and events carry wire text: made storable (storable.ts), so that neither can fail the transaction.
async function insertRejects(client: pg.ClientBase, rejects: RejectRecord[], recordingId: string): Promise<void> {
  if (rejects.length === 0) return;
  await client.query(
    `INSERT INTO rejected_rows (table_name, reason, raw_text, recording_id, seq)
     SELECT t, r, x, $4, s FROM unnest($1::text[], $2::text[], $3::text[], $5::bigint[]) AS u(t, r, x, s)`,
    [rejects.map((r) => storableText(r.table)), rejects.map((r) => storableText(r.reason)), rejects.map((r) => storableText(r.raw)), recordingId,
      rejects.map((r) => r.seq)]);
}

async function insertEvents(client: pg.ClientBase, batch: Batch, recordingId: string): Promise<void> {
  if (batch.events.length === 0) return;
  const e = batch.events;
  await client.query(
    `INSERT INTO stream_events (occurred_at, event, service, detail, recording_id, seq)
     SELECT to_timestamp(a / 1000.0), ev, sv, d, $5, s FROM unnest($1::float8[], $2::text[], $3::text[], $4::jsonb[], $6::bigint[]) AS u(a, ev, sv, d, s)`,
    [e.map((x) => x.occurredAt), e.map((x) => storableText(x.event)), e.map((x) => (x.service === null ? null : storableText(x.service))),
      e.map((x) => storableJson(x.detail)), recordingId, e.map((x) => x.seq)]);
}

/** The recording lines a batch holds something of, in order. */
function linesOf(batch: Batch): number[] {
  const seqs = new Set<number>();
  for (const { seqs: tableSeqs } of batch.tables.values()) for (const seq of tableSeqs) seqs.add(seq);
  for (const { seq } of batch.snapshots) seqs.add(seq);
  for (const { seq } of batch.rejects) seqs.add(seq);
  for (const { seq } of batch.events) seqs.add(seq);
  return [...seqs].sort((a, b) => a - b);
}

/** The part of a batch that came from these lines. */
function linesBatch(batch: Batch, lines: readonly number[]): Batch {
  const keep = new Set(lines);
  const tables = new Map<TableName, TableRows>();
  for (const [table, { rows, seqs }] of batch.tables) {
    const part: TableRows = { rows: [], seqs: [] };
    seqs.forEach((seq, i) => {
      if (!keep.has(seq)) return;
      part.rows.push(rows[i]!);
      part.seqs.push(seq);
    });
    if (part.rows.length > 0) tables.set(table, part);
  }
  return {
    ...batch, tables,
    snapshots: batch.snapshots.filter((r) => keep.has(r.seq)),
    rejects: batch.rejects.filter((r) => keep.has(r.seq)),
    events: batch.events.filter((e) => keep.has(e.seq)),
  };
}

/** A line the database would not take in any form: quarantined whole, with what it held. */
function lineFailure(batch: Batch, seq: number, error: unknown): RejectRecord {
  const part = linesBatch(batch, [seq]);
  const held = {
    rows: Object.fromEntries([...part.tables].map(([table, { rows }]) => [table, rows.map((row) => namedRow(table, row))])),
    snapshots: part.snapshots.map((r) => r.snapshot), rejects: part.rejects, events: part.events,
  };
  return { table: LINE_REJECT_TABLE, reason: `line could not be stored: ${errorText(error)}`, raw: jsonExcerpt(held), seq };
}

/** A JavaScript error on odd input (no SQLSTATE), or PostgreSQL refusing a value: 22 data, 23 integrity, 54 limits. */
function aboutData(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code) || ['22', '23', '54'].includes(code.slice(0, 2));
}

function addWritten(into: FlushResult['written'], more: FlushResult['written']): void {
  for (const [table, n] of Object.entries(more)) into[table] = (into[table] ?? 0) + (n ?? 0);
}

// SQLSTATE classes of a database that is unavailable now and may not be later: 08 connection, 40 serialization or
// deadlock, 53 insufficient resources (disk full, out of memory, too many connections), 57 operator intervention
// (admin shutdown, crash, statement timeout), 58 system (I/O) error; 55P03 a lock not available.
const TRANSIENT_CLASSES = new Set(['08', '40', '53', '57', '58']);
const TRANSIENT_MESSAGES = /connection terminated|connection error|not queryable|timeout exceeded when trying to connect|connection refused/i;

/**
 * True when retrying the same batch later may succeed: the database or the network, not the data. Node's own
 * socket errors (ECONNREFUSED, ECONNRESET...) and node-postgres' connection-loss messages count; everything else —
 * a data error, a syntax error our data provoked, a JavaScript error on odd input — does not.
 */
export function isTransient(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (/^[0-9A-Z]{5}$/.test(code)) return TRANSIENT_CLASSES.has(code.slice(0, 2)) || code === '55P03';
    if (/^E[A-Z]+$/.test(code)) return true;
  }
  return typeof message === 'string' && TRANSIENT_MESSAGES.test(message);
}

async function saveCheckpoint(client: pg.ClientBase, recordingId: string, batch: Batch): Promise<void> {
  const state = batch.decoderState;
  await client.query(
    `INSERT INTO recording_checkpoints (recording_id, last_seq, last_received_at, decode_from_seq, decoder_state, decoder_state_seq)
     VALUES ($1, $2, to_timestamp($3 / 1000.0), $4, $5, $6)
     ON CONFLICT (recording_id) DO UPDATE
       SET last_seq = EXCLUDED.last_seq, last_received_at = EXCLUDED.last_received_at,
           decode_from_seq = EXCLUDED.decode_from_seq, updated_at = now(),
           decoder_state = coalesce(EXCLUDED.decoder_state, recording_checkpoints.decoder_state),
           decoder_state_seq = coalesce(EXCLUDED.decoder_state_seq, recording_checkpoints.decoder_state_seq)
       WHERE recording_checkpoints.last_seq < EXCLUDED.last_seq`,
    [recordingId, batch.lastSeq, isSaneInstant(batch.lastTs) ? batch.lastTs : null, batch.decodeFromSeq, state ? storableJson(state.levelOne) : null, state?.seq ?? null]);
}

/** The committed position of a recording: where a restart or a second replay continues from. */
export interface Checkpoint {
  lastSeq: number;
  decodeFromSeq: number;
  /** The decoder's state as of a committed seq, if one was saved. */
  decoderState: DecoderState | null;
  /** Receive time (epoch ms) of the line at lastSeq, when known. */
  lastReceivedAt: number | null;
}

export async function readCheckpoint(pool: pg.Pool, recordingId: string): Promise<Checkpoint> {
  const { rows } = await pool.query(
    `SELECT last_seq, decode_from_seq, decoder_state, decoder_state_seq, extract(epoch FROM last_received_at) * 1000 AS last_received_ms
     FROM recording_checkpoints WHERE recording_id = $1`, [recordingId]);
  const row = rows[0];
  if (!row) return { lastSeq: 0, decodeFromSeq: 0, decoderState: null, lastReceivedAt: null };
  const decoderState = row.decoder_state_seq === null ? null : { seq: Number(row.decoder_state_seq), levelOne: row.decoder_state as LevelOneSnapshot };
  const lastReceivedAt = row.last_received_ms === null ? null : Number(row.last_received_ms);
  return { lastSeq: Number(row.last_seq), decodeFromSeq: Number(row.decode_from_seq), decoderState, lastReceivedAt };
}
