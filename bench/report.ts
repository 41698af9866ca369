// Tables for stdout and the markdown results file: one per workload, every figure next to its ceiling's, with the
// issue's target and PASS/MISS where it sets one.
import os from 'node:os';
import type { JobResult } from './jobs/types.js';
import { slope } from './measure.js';
import { WORKLOADS, type WorkloadId } from './workloads/index.js';

export interface Measurement {
  workload: WorkloadId;
  name: string;
  result: JobResult & { pgCpuSeconds: number; dbRejected: number };
  ceiling?: boolean;
  /** rows/s of every run, lowest first, when the job ran more than once (the figures are the median run's). */
  runs?: number[];
  /** The job's error, when it failed (its figures are empty). */
  failed?: string;
  /** PASS/MISS against the issue's target, filled by run.ts. */
  target?: { text: string; pass: boolean };
}

const fmt = (n: number | undefined, digits = 0): string => (n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(digits));
const int = (n: number | undefined): string => (n === undefined || !Number.isFinite(n) ? '–' : Math.round(n).toLocaleString('en-US'));

export function rowsPerSecond(m: Measurement): number {
  return m.result.rows / m.result.seconds;
}

export function ceilingOf(all: readonly Measurement[], workload: WorkloadId): Measurement | undefined {
  return all.find((m) => m.workload === workload && m.ceiling);
}

const HEADER = '| measurement | rows | rows/s | % of ceiling | lines/s | latency p50 / p99 / max ms | CPU s (job) | CPU s (psql / sim) | PostgreSQL CPU s | peak RSS MB | rejected | target |';

export function workloadTable(all: readonly Measurement[], workload: WorkloadId): string {
  const ceiling = ceilingOf(all, workload);
  const lines = all.filter((m) => m.workload === workload).map((m) => {
    if (m.failed !== undefined) return `| ${m.name} | FAILED: ${m.failed.replace(/\|/g, '/')} |||||||||||`;
    const r = m.result;
    const ratio = ceiling ? `${fmt((100 * rowsPerSecond(m)) / rowsPerSecond(ceiling))}%` : '–';
    const latency = r.latency ? `${int(r.latency.p50)} / ${int(r.latency.p99)} / ${int(r.latency.max)}` : '–';
    const other = r.simulatorCpuSeconds !== undefined ? `sim ${fmt(r.simulatorCpuSeconds, 2)}` : r.childCpuSeconds > 0 ? `psql ${fmt(r.childCpuSeconds, 2)}` : '–';
    const target = m.target ? `${m.target.text}: **${m.target.pass ? 'PASS' : 'MISS'}**` : '';
    const spread = m.runs ? ` (${m.runs.length} runs: ${int(m.runs[0])}–${int(m.runs.at(-1))})` : '';
    return `| ${m.name} | ${int(r.rows)} | ${int(rowsPerSecond(m))}${spread} | ${ratio} | ${r.lines ? int(r.lines / r.seconds) : '–'} | ${latency} | ${fmt(r.cpuSeconds, 2)} | ${other} | ${fmt(r.pgCpuSeconds, 2)} | ${int(r.peakRssMb)} | ${r.rejected ?? 0}${r.dbRejected > 0 ? ` (+${r.dbRejected} in db)` : ''} | ${target} |`;
  });
  return [`### ${WORKLOADS[workload].title}`, '', HEADER, '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |', ...lines].join('\n');
}

/** Bytes per stored row of the workload's storage table, per measurement (the same rows: the figures should agree). */
export function storageTable(all: readonly Measurement[], workload: WorkloadId): string {
  const table = WORKLOADS[workload].storage ?? '';
  const mb = (bytes: number): string => fmt(bytes / 2 ** 20, 1);
  const lines = all.filter((m) => m.workload === workload && m.result.storage !== undefined).map((m) => {
    const s = m.result.storage!;
    return `| ${m.name} | ${int(s.rows)} | ${mb(s.totalBytes)} | ${mb(s.indexBytes)} | ${mb(s.toastBytes)} | ${int(s.totalBytes / s.rows)} |`;
  });
  return [
    `Stored ${table} (every partition: heap, indexes, TOAST):`, '',
    `| measurement | ${table} rows | MB in all | of which indexes MB | of which TOAST MB | bytes per row |`,
    '| --- | ---: | ---: | ---: | ---: | ---: |', ...lines,
  ].join('\n');
}

export function driftTable(m: Measurement): string {
  const minutes = m.result.minutes ?? [];
  const s = slope(minutes.map((x) => ({ x: x.minute, y: x.p99 })));
  return [
    `p99 receive→commit per minute at 20k rows/s offered (slope ${fmt(s, 1)} ms/minute):`, '',
    `| minute | ${minutes.map((x) => x.minute).join(' | ')} |`, `| --- | ${minutes.map(() => '---:').join(' | ')} |`,
    `| p99 ms | ${minutes.map((x) => int(x.p99)).join(' | ')} |`,
  ].join('\n');
}

export function machine(pgVersion: string): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? 'cpu'}, ${fmt(os.totalmem() / 2 ** 30, 1)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}; ${pgVersion} (embedded, default settings)`;
}
