// Recording retention (recording.retentionDays), run by the hourly maintenance. Whole recordings last written before
// the cutoff are deleted; so are the oldest segments of the recording being written — a recorder that runs for months
// continues one recording across restarts, and without this its journal would only ever grow. A segment of the
// active recording goes only when it is closed, older than the cutoff, and committed (the checkpoint is past its
// last line), and only from the front: the recording stays one unbroken run of lines from its first segment on.
// Only folders named like a recording id are touched: the recordings folder may hold anything else of its owner's.
import { readdir, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log/logger.js';
import { segmentNumber } from './format.js';
import { firstSeqOf, segmentFiles } from './reader.js';

/** A recording's folder name, as newRecordingId makes it: its UTC start time, then random hex. */
const RECORDING_ID = /^\d{8}T\d{6}Z-[0-9a-f]+$/;

export const isRecordingId = (name: string): boolean => RECORDING_ID.test(name);

export interface ActiveRecording {
  folder: string;
  /** The segment being written: never deleted, nor any after it. */
  openSegment: number;
  /** The recording's checkpoint: a segment whose lines are not all committed stays. */
  committedSeq: number;
}

export interface Pruned {
  recordings: string[];
  segments: string[];
}

export async function pruneRecordings(
  dir: string, retentionDays: number | null, active: ActiveRecording, logger: Logger, now = Date.now(),
): Promise<Pruned> {
  const pruned: Pruned = { recordings: [], segments: [] };
  if (retentionDays === null) return pruned;
  const cutoff = now - retentionDays * 86_400_000;
  for (const name of (await readdir(dir).catch(() => [] as string[])).sort()) {
    const folder = path.join(dir, name);
    if (!isRecordingId(name) || folder === active.folder || !(await stat(folder)).isDirectory()) continue;
    if ((await stat(folder)).mtimeMs < cutoff) {
      await rm(folder, { recursive: true, force: true });
      pruned.recordings.push(name);
      logger.info({ recording: name }, 'recording deleted by retention');
    }
  }
  pruned.segments = await pruneActive(active, cutoff);
  if (pruned.segments.length > 0) logger.info({ recording: path.basename(active.folder), segments: pruned.segments }, 'segments deleted by retention');
  return pruned;
}

async function pruneActive(active: ActiveRecording, cutoff: number): Promise<string[]> {
  const files = await segmentFiles(active.folder);
  const deleted: string[] = [];
  for (let i = 0; i + 1 < files.length; i++) {
    const file = files[i]!;
    if ((segmentNumber(path.basename(file)) ?? Infinity) >= active.openSegment || (await stat(file)).mtimeMs >= cutoff) break;
    const next = await firstSeqOf(files[i + 1]!);
    if (next === null || next - 1 > active.committedSeq) break;
    // Both names: a plain segment may have its gzipped twin (compression finishing), or be the twin.
    const plain = file.replace(/\.gz$/, '');
    for (const name of [plain, `${plain}.gz`]) await unlink(name).catch(() => undefined);
    deleted.push(path.basename(file));
  }
  return deleted;
}

