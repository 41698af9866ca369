// The recorder's replay (what `schwab-recorder replay --speed max` runs): recording → decode → buffers → COPY
// flushes with checkpoints, one flush in flight while the next batch is decoded.
import path from 'node:path';
import { createPool } from '../../src/db/connect.js';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { Flusher } from '../../src/pipeline/flusher.js';
import { silent } from '../db.js';
import { startClock } from '../measure.js';
import { recorderBatches } from './decoded.js';
import { defaultConfig, pipelineSettings } from './settings.js';
import type { JobOutput, JobSpec } from './types.js';

export async function replayJob(spec: JobSpec): Promise<JobOutput> {
  const pool = createPool(spec.url, defaultConfig(), silent);
  try {
    const pipeline = await Pipeline.open({
      pool, recordingId: path.basename(spec.recording!), recordingPath: spec.recording!, logger: silent, ...pipelineSettings(),
    });
    const clock = startClock();
    const totals = await pipeline.replay();
    return { rows: rowsOf(totals.written, spec.tables!), ...clock.stop(), lines: totals.lines, rejected: totals.rejected };
  } finally {
    await pool.end();
  }
}

/** The same rows decoded into the recorder's batches before the clock starts, then written by its flusher. */
export async function flushPathJob(spec: JobSpec): Promise<JobOutput> {
  const { batches, lines } = await recorderBatches(spec.recording!, pipelineSettings().buffers.flushRows);
  const pool = createPool(spec.url, defaultConfig(), silent);
  try {
    const flusher = new Flusher(pool, `${path.basename(spec.recording!)}-flush`);
    const written: Record<string, number> = {};
    let rejected = 0;
    const clock = startClock();
    for (const batch of batches) {
      const result = await flusher.flush(batch);
      for (const [table, n] of Object.entries(result.written)) written[table] = (written[table] ?? 0) + (n ?? 0);
      rejected += result.rejected;
    }
    return { rows: rowsOf(written, spec.tables!), ...clock.stop(), lines, rejected };
  } finally {
    await pool.end();
  }
}

export function rowsOf(written: Partial<Record<string, number>>, tables: readonly string[]): number {
  return tables.reduce((sum, table) => sum + (written[table] ?? 0), 0);
}
