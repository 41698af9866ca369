// Writers of relational snapshots (decode/rest/types.ts): each runs inside the flush transaction, upserts by natural
// keys (Schwab ids, symbols, dates), resolves foreign keys with joins rather than ids kept in memory, and
// quarantines what PostgreSQL refuses (store/copy.ts writeWithBisect) so the rest of the batch commits.
import type pg from 'pg';
import type { Snapshot, SnapshotKind } from '../../decode/rest/types.js';

export interface SnapshotRecord {
  snapshot: Snapshot;
  /** The recording line the snapshot came from. */
  seq: number;
}

export interface SnapshotWriteResult {
  /** Rows written per table (inserted or updated). */
  written: Record<string, number>;
  rejects: { table: string; reason: string; raw: string; seq: number }[];
}

export interface SnapshotWriter {
  kind: SnapshotKind;
  write(client: pg.ClientBase, records: SnapshotRecord[]): Promise<SnapshotWriteResult>;
}
