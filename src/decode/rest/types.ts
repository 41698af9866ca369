// REST body → what it adds to the database. Like the stream decoders: pure, shared by live and replay (a REST body
// is one `rest` line of the recording), no I/O, clock, metrics or logging.
import type { Row, TableName } from '../tables.js';

export interface RestContext {
  /** The request path with its query string, as recorded (e.g. `/marketdata/v1/chains?symbol=AAPL`). */
  path: string;
  /** Capture time of the body (epoch ms): snapshot times come from it, never from the clock. */
  receivedAt: number;
}

/** Relational data whose rows reference each other (chains → contracts, orders → legs): written by a SnapshotWriter. */
export type SnapshotKind = 'chain' | 'expirations' | 'accounts' | 'orders' | 'transactions' | 'symbols'
  | 'preferences' | 'fundamentals';

export interface Snapshot<T = unknown> {
  kind: SnapshotKind;
  data: T;
}

export interface RestDecodeResult {
  /** Rows of plain tables that the flusher copies or upserts by TABLES (e.g. price_data from price history). */
  rows: { table: TableName; row: Row }[];
  snapshots: Snapshot[];
  rejects: { table: string; reason: string; raw: string }[];
}

export type RestDecoder = (body: unknown, context: RestContext) => RestDecodeResult;

export function emptyResult(): RestDecodeResult {
  return { rows: [], snapshots: [], rejects: [] };
}
