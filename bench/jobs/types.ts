// One measured job: what run.ts asks a fresh child process to do, and the JSON line the child prints back.
import type { StoredSize } from '../db.js';
import type { Percentiles } from '../measure.js';

export type JobKind =
  | 'replay' | 'flush-path' | 'live'
  | 'psql-copy' | 'binary-copy' | 'text-copy' | 'insert' | 'staging' | 'chain-ceiling';

export interface JobSpec {
  kind: JobKind;
  /** The fresh database the job writes into. */
  url: string;
  /** The recording it reads (replay, flush path, baselines decode it before the clock starts). */
  recording?: string;
  /** Tables the workload fills (the baselines write these). */
  tables?: string[];
  /** A pre-encoded COPY text file per table (psql \copy, text COPY). */
  copyFiles?: Record<string, string>;
  live?: LiveSpec;
}

/** The `record` path against the simulator in its own process (see jobs/live.ts). */
export interface LiveSpec {
  /** Folder for the recorder's recordings (kept: workload (d) is replayed from it). */
  recordingsDir: string;
  equities: string[];
  options: string[];
  chartEquities: string[];
  accountActivity: boolean;
  /** Level-one updates per second offered by the simulator; 0 = as fast as the socket drains. */
  updatesPerSecond: number;
  /** > 0: the simulator replays this many pre-rendered level-one items (its cheap feed) instead of fresh quotes. */
  itemRing?: number;
  chartBarIntervalMs?: number;
  orderIntervalMs?: number | null;
  chainUnderlyings?: string[];
  chainIntervalMs?: number;
  ordersPollMs?: number;
  /** Measured seconds after warm-up. */
  seconds: number;
  warmupSeconds: number;
  /** Drift check: p99 per minute. */
  perMinute?: boolean;
  /** Stop PostgreSQL this many seconds into the measured window, for outageSeconds, then start it again. */
  outage?: { afterSeconds: number; outageSeconds: number; dataDir: string; port: number; password: string };
}

export interface JobOutput {
  /** Rows committed into the workload's tables by the measured work. */
  rows: number;
  /** Wall seconds of the measured work. */
  seconds: number;
  /** CPU seconds of this process during the measured work only (set by the job around its clock). */
  cpuSeconds: number;
  /** Frames or bodies (recording lines) handled by the measured work. */
  lines?: number;
  /** Rows the recorder quarantined (must be 0). */
  rejected?: number;
  latency?: Percentiles;
  /** p99 per minute of the run (drift check). */
  minutes?: Array<{ minute: number; p99: number; rows: number }>;
  simulatorCpuSeconds?: number;
  extra?: Record<string, number | string>;
}

export interface JobResult extends JobOutput {
  /** CPU of processes the child ran and waited for (psql). */
  childCpuSeconds: number;
  /** Peak RSS of the child process over its whole life (ru_maxrss). */
  peakRssMb: number;
  /** The workload's storage table on disk after the job (read by run.ts before the database is dropped). */
  storage?: StoredSize;
}
