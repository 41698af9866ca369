// A recording decoded ahead of a measurement (outside its clock): rows per table and relational snapshots for the
// baselines, or the recorder's own batches for the flush path.
import type { Row, TableName } from '../../src/decode/tables.js';
import { Buffers, type Batch } from '../../src/pipeline/buffers.js';
import { LineDecoder } from '../../src/pipeline/line-decoder.js';
import { readRecording } from '../../src/recording/reader.js';
import type { SnapshotRecord } from '../../src/store/snapshots/types.js';

export interface DecodedRecording {
  tables: Map<TableName, Row[]>;
  snapshots: SnapshotRecord[];
  lines: number;
}

export async function decodeRecording(recording: string): Promise<DecodedRecording> {
  const out: DecodedRecording = { tables: new Map(), snapshots: [], lines: 0 };
  const decoder = new LineDecoder({
    row: (table, row) => {
      let rows = out.tables.get(table);
      if (!rows) out.tables.set(table, (rows = []));
      rows.push(row);
    },
    snapshot: (snapshot, seq) => out.snapshots.push({ snapshot, seq }),
    reject: () => undefined, event: () => undefined, unknown: () => undefined, untracked: () => undefined,
  });
  for await (const line of readRecording(recording)) {
    if (line.type === 'meta') continue;
    decoder.decode(line);
    out.lines += 1;
  }
  return out;
}

/** The batches the pipeline would flush: cut whenever the buffers reach flushRows, as in Pipeline.readFrom. */
export async function recorderBatches(recording: string, flushRows: number): Promise<{ batches: Batch[]; lines: number }> {
  const buffers = new Buffers({ maxRows: Number.MAX_SAFE_INTEGER, maxBytes: Number.MAX_SAFE_INTEGER });
  const decoder = new LineDecoder(buffers);
  const batches: Batch[] = [];
  let lines = 0;
  for await (const line of readRecording(recording)) {
    if (line.type === 'meta') continue;
    decoder.decode(line);
    buffers.decoded(line.seq, line.ts, decoder.lastResetSeq);
    lines += 1;
    if (buffers.rowCount >= flushRows) batches.push(buffers.take());
  }
  const last = buffers.take();
  if (last.rowCount > 0 || last.events.length > 0) batches.push(last);
  return { batches, lines };
}
