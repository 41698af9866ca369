// Writes a recording the way the recorder's writer lays one out: a folder with a segment `000001.ndjson` that
// starts with its meta line, then one JSON line per frame, body or event with strictly increasing seq.
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { FORMAT, eventLine, restLine, segmentName, type DataLine } from '../../src/recording/format.js';

/** A line without its seq: the writer numbers them. */
export type Capture =
  | { type: 'ws'; ts: number; frame: unknown }
  | { type: 'rest'; ts: number; method: string; path: string; status: number; body: unknown }
  | { type: 'event'; ts: number; event: string; detail: Record<string, unknown> };

export interface WrittenRecording {
  folder: string;
  lines: number;
  bytes: number;
}

export async function writeRecording(folder: string, captures: Iterable<Capture>): Promise<WrittenRecording> {
  await mkdir(folder, { recursive: true });
  const out = createWriteStream(path.join(folder, segmentName(1)));
  const id = path.basename(folder);
  let bytes = 0;
  const put = async (text: string): Promise<void> => {
    bytes += text.length + 1;
    if (!out.write(`${text}\n`)) await once(out, 'drain');
  };
  await put(JSON.stringify({ type: 'meta', format: FORMAT, recording: id, segment: 1, startedAt: new Date().toISOString(), firstSeq: 1 }));
  let seq = 0;
  for (const capture of captures) {
    seq += 1;
    await put(lineText(seq, capture));
  }
  out.end();
  await once(out, 'finish');
  return { folder, lines: seq, bytes };
}

function lineText(seq: number, c: Capture): string {
  switch (c.type) {
    case 'ws': return JSON.stringify({ seq, ts: c.ts, type: 'ws', frame: c.frame } satisfies DataLine);
    case 'rest': return restLine(seq, c.ts, c);
    case 'event': return eventLine(seq, c.ts, c.event, c.detail);
  }
}
