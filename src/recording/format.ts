// The recording format, version 1 (design.md §4 — a contract): one JSON object per line, `seq` strictly increasing
// through a recording, `ts` the receive time in epoch ms.

import { jsonText } from '../decode/json-text.js';

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
  // Valid JSON text holds CR and LF only as whitespace between tokens (inside strings they are escaped), so the
  // frame's own text becomes one line by turning them into spaces.
  const body = frame !== parsed ? jsonText(frame) : /[\n\r]/.test(text) ? text.replace(/[\n\r]/g, ' ') : text;
  return `{"seq":${seq},"ts":${ts},"type":"ws","frame":${body}}`;
}

// jsonText: a body or event detail nested deeper than JSON.stringify's stack must still be journaled.
export function restLine(seq: number, ts: number, r: { method: string; path: string; status: number; body: unknown }): string {
  return jsonText({ seq, ts, type: 'rest', method: r.method, path: r.path, status: r.status, body: r.body });
}

export function eventLine(seq: number, ts: number, event: string, detail: Record<string, unknown>): string {
  return jsonText({ seq, ts, type: 'event', event, detail });
}
