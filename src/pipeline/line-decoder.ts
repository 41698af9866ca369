// One recording line → what it adds to the database: table rows, quarantined items, session events. The same code
// runs for a live frame (just journaled) and for a replayed line, which is what makes replay equal live.
import { jsonExcerpt, textExcerpt } from '../decode/json-text.js';
import { errorText } from '../errors.js';
import { FRAME_REJECT_TABLE, StreamDecoder, type LevelOneSnapshot, type UnknownKind } from '../decode/stream-decoder.js';
import type { Row, TableName } from '../decode/tables.js';
import { decodeRestBody } from '../decode/rest/router.js';
import type { Snapshot } from '../decode/rest/types.js';
import type { DataLine, RestLine } from '../recording/format.js';

export interface RejectRecord {
  table: string;
  reason: string;
  raw: string;
  seq: number;
}

export interface EventRecord {
  occurredAt: number;
  event: string;
  service: string | null;
  detail: Record<string, unknown>;
  seq: number;
}

export interface LineSink {
  row(table: TableName, row: Row, seq: number): void;
  snapshot(snapshot: Snapshot, seq: number): void;
  reject(reject: RejectRecord): void;
  event(event: EventRecord): void;
  unknown(service: string, kind: string): void;
  /** An item of a level-one key past the state cap: stored, not merged. */
  untracked(service: string): void;
}

/** rejected_rows.table_name of a recording line that failed as a whole (in decode, or in the flush). */
export const LINE_REJECT_TABLE = 'recording_line';

/** The part of a line worth keeping in rejected_rows: its payload, bounded; the whole line when it is malformed. */
export function lineExcerpt(line: DataLine): string {
  switch (line.type) {
    case 'ws': return jsonExcerpt(line.frame);
    case 'ws-text': return typeof line.text === 'string' ? textExcerpt(line.text) : jsonExcerpt(line);
    case 'rest': return jsonExcerpt({ method: line.method, path: line.path, status: line.status, body: line.body });
    case 'event': return jsonExcerpt({ event: line.event, detail: line.detail });
    default: return jsonExcerpt(line);
  }
}

/** Distinct unknowns noted as events: a peer inventing names gets the counter only past this. */
const MAX_NOTED = 1000;

/** Session events stored in stream_events; the others (requests sent, ...) stay in the recording only. */
const STORED_EVENTS = new Set([
  'connected', 'disconnected', 'gap', 'login', 'login_denied', 'subscribed', 'subscription_refused', 'server_notice',
  'gave_up', 'simulated_feed', 'recording_started', 'stopped', 'suspended', 'resumed',
  // A failed REST attempt (schwab/rest-errors.ts): its own event line, since non-2xx bodies are not journaled as rest lines.
  'rest_error',
]);

/** Events after which the level-one merge state must be forgotten: a new connection sends new snapshots. */
const RESET_EVENTS = new Set(['disconnected', 'recording_started']);

/** The decoder's state as of a line: restoring it and decoding the lines after `seq` equals decoding from a reset. */
export interface DecoderState {
  seq: number;
  levelOne: LevelOneSnapshot;
}

export class LineDecoder {
  private readonly stream = new StreamDecoder();
  /** The seq of the last event that reset the decoder: decoding from here rebuilds the same state. */
  lastResetSeq = 0;
  /** The seq of the last line decoded (or of the restored state). */
  lastSeq = 0;
  /** Unknown services, commands and fields already noted as an event. */
  private readonly noted = new Set<string>();

  constructor(private readonly sink: LineSink) {}

  state(): DecoderState {
    return { seq: this.lastSeq, levelOne: this.stream.levelOneState() };
  }

  restore(state: DecoderState): void {
    this.stream.restoreLevelOne(state.levelOne);
    this.lastSeq = state.seq;
  }

  /**
   * Never throws: a line that makes any decoder throw (a stack overflow on absurd nesting, a bug) is quarantined
   * whole, with the error, and the next line decodes as usual. Rows it yielded before the throw stay.
   */
  decode(line: DataLine): void {
    this.lastSeq = line.seq;
    try {
      this.decodeLine(line);
    } catch (error) {
      this.sink.reject({ table: LINE_REJECT_TABLE, reason: `${line.type} line could not be decoded: ${errorText(error)}`, raw: lineExcerpt(line), seq: line.seq });
    }
  }

  private decodeLine(line: DataLine): void {
    switch (line.type) {
      case 'ws': return this.frame(line.frame, line.ts, line.seq);
      case 'ws-text': return this.sink.reject({
        table: FRAME_REJECT_TABLE, reason: typeof line.text === 'string' ? 'frame is not valid JSON' : 'ws-text line has no text', raw: lineExcerpt(line), seq: line.seq,
      });
      case 'event': return this.event(line.event, line.detail, line.ts, line.seq);
      case 'rest': return this.rest(line);
      default: return this.sink.reject({ table: LINE_REJECT_TABLE, reason: 'line has an unknown type', raw: lineExcerpt(line), seq: (line as DataLine).seq });
    }
  }

  /** A parsed (and redacted) streamer frame; the hot path of live recording. */
  frame(frame: unknown, receivedAt: number, seq: number): void {
    const result = this.stream.decodeFrame(frame, receivedAt);
    for (const { table, row } of result.rows) this.sink.row(table, row, seq);
    for (const r of result.rejects) this.sink.reject({ ...r, seq });
    for (const u of result.unknown) {
      this.sink.unknown(u.service, u.kind);
      this.note(u, receivedAt, seq);
    }
    for (const service of result.untracked) this.sink.untracked(service);
  }

  /** A REST body: rows for plain tables, relational snapshots, rejects. Bodies without a decoder stay recorded only. */
  rest(line: RestLine): void {
    if (line.status < 200 || line.status >= 300) return;
    const result = decodeRestBody(line.body, { path: line.path, receivedAt: line.ts });
    if (!result) return;
    for (const { table, row } of result.rows) this.sink.row(table, row, line.seq);
    for (const snapshot of result.snapshots) this.sink.snapshot(snapshot, line.seq);
    for (const r of result.rejects) this.sink.reject({ ...r, seq: line.seq });
  }

  /**
   * The first time a service, command or field the recorder does not decode shows up, a stream_events row says so
   * (`unknown_service`, `unknown_command`, `unknown_field`): the frames are in the recording, waiting for a decoder,
   * and somebody should know. Once per kind and name per decoder, for a bounded number of names.
   */
  private note(unknown: { service: string; kind: UnknownKind; name: string }, at: number, seq: number): void {
    const id = `${unknown.kind}\u0000${unknown.service}\u0000${unknown.name}`;
    if (this.noted.has(id) || this.noted.size >= MAX_NOTED) return;
    this.noted.add(id);
    const service = textExcerpt(unknown.service, 100);
    const detail = unknown.kind === 'service' ? { service } : { service, [unknown.kind]: textExcerpt(unknown.name, 100) };
    this.sink.event({ occurredAt: at, event: `unknown_${unknown.kind}`, service, detail, seq });
  }

  event(event: string, detail: Record<string, unknown>, at: number, seq: number): void {
    if (RESET_EVENTS.has(event)) {
      this.stream.reset();
      this.lastResetSeq = seq;
    }
    if (!STORED_EVENTS.has(event)) return;
    const service = typeof detail.service === 'string' ? detail.service : null;
    this.sink.event({ occurredAt: at, event, service, detail, seq });
  }
}
