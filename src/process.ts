// Whether a process still runs: for locks and pid files left behind by a crash.
import { readFileSync } from 'node:fs';

/**
 * Signal 0 probes without signalling; EPERM means the process exists but belongs to another user (postgres, when we
 * are not root). A zombie counts as gone: under a PID 1 that does not reap orphans (a container without an init), a
 * stopped server lingers as one.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !isZombie(pid);
}

/** /proc/<pid>/stat is `pid (comm) state ...`; comm may contain spaces or parentheses, so parse after the last ')'. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}
