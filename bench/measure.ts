// What a measurement reads: CPU and peak RSS of this process, CPU of one PostgreSQL server (its postmaster, the
// backends alive now, and — through the postmaster's cutime/cstime — the backends that already exited), and exact
// row-weighted latency percentiles.
import { readFile, readdir } from 'node:fs/promises';

/** USER_HZ: /proc stat times are in clock ticks of 1/100 s on Linux. */
const TICKS_PER_SECOND = 100;

/** Fields of /proc/<pid>/stat after the `(comm)` part, 0-based from field 3 (state). */
async function procStat(pid: number | string): Promise<string[] | null> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (text === null) return null;
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

// Indexes into procStat's array: ppid is field 4, utime 14, stime 15, cutime 16, cstime 17 (1-based, man proc).
const PPID = 1;
const UTIME = 11;
const STIME = 12;
const CUTIME = 13;
const CSTIME = 14;

/**
 * CPU seconds used so far by the server whose postmaster is `postmasterPid`: the postmaster's own time and that of
 * its reaped children (backends and workers that exited), plus utime+stime of its live children. A backend that
 * exits between two readings moves from "live" to "reaped" with its whole time, so a difference of two readings is
 * the server's CPU in between. Other PostgreSQL servers on the machine are not counted.
 */
export async function postgresCpuSeconds(postmasterPid: number): Promise<number> {
  const own = await procStat(postmasterPid);
  if (own === null) return NaN;
  let ticks = Number(own[UTIME]) + Number(own[STIME]) + Number(own[CUTIME]) + Number(own[CSTIME]);
  const pids = (await readdir('/proc').catch(() => [] as string[])).filter((entry) => /^\d+$/.test(entry));
  for (const pid of pids) {
    const fields = await procStat(pid);
    if (fields !== null && Number(fields[PPID]) === postmasterPid) ticks += Number(fields[UTIME]) + Number(fields[STIME]);
  }
  return ticks / TICKS_PER_SECOND;
}

/** CPU of the processes this one started and waited for (psql), from /proc/self/stat cutime+cstime. */
export async function reapedChildrenCpuSeconds(): Promise<number> {
  const own = await procStat('self');
  return own === null ? NaN : (Number(own[CUTIME]) + Number(own[CSTIME])) / TICKS_PER_SECOND;
}

/** This process: CPU seconds since `since` (a process.cpuUsage() reading). */
export function cpuSecondsSince(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

/** Wall and CPU seconds of a measured piece of work. */
export function startClock(): { stop(): { seconds: number; cpuSeconds: number } } {
  const started = performance.now();
  const cpu = process.cpuUsage();
  return { stop: () => ({ seconds: (performance.now() - started) / 1000, cpuSeconds: cpuSecondsSince(cpu) }) };
}

/** Peak RSS of this process so far, in MB (ru_maxrss is in KiB on Linux). */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export interface Percentiles {
  p50: number;
  p99: number;
  max: number;
  /** Rows the figures cover. */
  rows: number;
}

/**
 * Receive→commit latency of committed rows, each row weighted: a line that added 200 rows counts 200 times.
 * Exact: every (latency, rows) pair is kept, sorted once.
 */
export class LatencyRecorder {
  private latencies: number[] = [];
  private weights: number[] = [];

  add(latencyMs: number, rows: number): void {
    if (rows <= 0) return;
    this.latencies.push(latencyMs);
    this.weights.push(rows);
  }

  get rows(): number {
    return this.weights.reduce((sum, w) => sum + w, 0);
  }

  percentiles(): Percentiles {
    const order = this.latencies.map((_, i) => i).sort((a, b) => this.latencies[a]! - this.latencies[b]!);
    const total = this.rows;
    const at = (q: number): number => {
      const target = q * total;
      let seen = 0;
      for (const i of order) {
        seen += this.weights[i]!;
        if (seen >= target) return this.latencies[i]!;
      }
      return NaN;
    };
    return { p50: at(0.5), p99: at(0.99), max: total > 0 ? this.latencies[order.at(-1)!]! : NaN, rows: total };
  }
}

/** Least-squares slope of y over x (e.g. p99 ms per minute). */
export function slope(points: ReadonlyArray<{ x: number; y: number }>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

/** Samples this process's RSS while running, for a peak inside a window (e.g. while PostgreSQL is down). */
export class RssSampler {
  private timer: NodeJS.Timeout;
  peakMb = 0;

  constructor(intervalMs = 100) {
    this.timer = setInterval(() => { this.peakMb = Math.max(this.peakMb, process.memoryUsage.rss() / 2 ** 20); }, intervalMs);
    this.timer.unref();
  }

  reset(): void {
    this.peakMb = process.memoryUsage.rss() / 2 ** 20;
  }

  stop(): number {
    clearInterval(this.timer);
    return this.peakMb;
  }
}
