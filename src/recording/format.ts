// The recording format, version 1 (design.md §4 — a contract): one JSON object per line, `seq` strictly increasing
// through a recording, `ts` the receive time in epoch ms.

export const FORMAT = 'schwab-recorder/1';

export interface MetaLine {
  type: 'meta';
  format: string;
  recording: string;
  segment: number;
  startedAt: string;
  [extra: string]: unknown;
}

export interface WsLine { seq: number; ts: number; type: 'ws'; frame: unknown }
export interface WsTextLine { seq: number; ts: number; type: 'ws-text'; text: string }
export interface RestLine { seq: number; ts: number; type: 'rest'; method: string; path: string; status: number; body: unknown }
export interface EventLine { seq: number; ts: number; type: 'event'; event: string; detail: Record<string, unknown> }

export type DataLine = WsLine | WsTextLine | RestLine | EventLine;

/** Segment file names: 000001.ndjson, and 000001.ndjson.gz once closed and compressed. */
export function segmentName(segment: number, gzipped = false): string {
  return `${String(segment).padStart(6, '0')}.ndjson${gzipped ? '.gz' : ''}`;
}

export function segmentNumber(fileName: string): number | null {
  const match = /^(\d{6,})\.ndjson(\.gz)?$/.exec(fileName);
  return match ? Number(match[1]) : null;
}

/**
 * A `ws` line, reusing the frame's own text when it is already one line of JSON: re-serialising every frame would
 * double the hot path's JSON work. A redacted frame (a different object than the parse) is serialised.
 */
export function wsLine(seq: number, ts: number, text: string, frame: unknown, parsed: unknown): string {
  if (frame === undefined) return JSON.stringify({ seq, ts, type: 'ws-text', text });
  const body = frame === parsed && !/[\n\r]/.test(text) ? text : JSON.stringify(frame);
  return `{"seq":${seq},"ts":${ts},"type":"ws","frame":${body}}`;
}

export function restLine(seq: number, ts: number, r: { method: string; path: string; status: number; body: unknown }): string {
  return JSON.stringify({ seq, ts, type: 'rest', method: r.method, path: r.path, status: r.status, body: r.body });
}

export function eventLine(seq: number, ts: number, event: string, detail: Record<string, unknown>): string {
  return JSON.stringify({ seq, ts, type: 'event', event, detail });
}
