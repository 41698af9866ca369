// How old the oldest uncommitted recording line is, at any moment, without keeping a receive time per line: a
// database outage at 20k lines/s would make that hundreds of MB. Receive times are sampled about once a second
// (and the first line after an idle spell always), so the age it reports is never younger than the truth and at
// most a second older.

/** One sample per this many ms of receive time. */
const RESOLUTION_MS = 1000;
/** A day of outage at one sample a second; past it the oldest samples stay and newer ones are skipped. */
const MAX_SAMPLES = 100_000;

export class BacklogClock {
  private seqs: number[] = [];
  private times: number[] = [];
  private head = 0;
  private recordedSeq = 0;
  private committedSeq = 0;
  private lastCommitAt: number | null = null;

  constructor(private readonly now: () => number) {}

  /** A line was journaled. */
  journaled(seq: number, ts: number): void {
    this.recordedSeq = seq;
    if (seq === this.committedSeq + 1) {
      // Everything before it is committed: it is the oldest uncommitted line, and older samples mean nothing now.
      this.seqs = [seq];
      this.times = [ts];
      this.head = 0;
      return;
    }
    const count = this.seqs.length - this.head;
    if (count >= MAX_SAMPLES) return;
    if (count === 0 || ts - this.times[this.times.length - 1]! >= RESOLUTION_MS) {
      this.seqs.push(seq);
      this.times.push(ts);
    }
  }

  /**
   * Lines up to `seq` are committed; `ts` is the receive time of line `seq`. The newest sample at or before the
   * first uncommitted line stays as its lower bound (that line came no earlier than `ts` either).
   */
  committed(seq: number, ts: number): void {
    this.committedSeq = Math.max(this.committedSeq, seq);
    this.lastCommitAt = this.now();
    while (this.head + 1 < this.seqs.length && this.seqs[this.head + 1]! <= seq + 1) this.head += 1;
    if (this.head < this.seqs.length && this.seqs[this.head]! <= seq + 1) {
      this.seqs[this.head] = seq + 1;
      this.times[this.head] = Math.max(this.times[this.head]!, ts);
    }
    if (this.head > 1024 && this.head * 2 > this.seqs.length) this.compact();
  }

  /** Seconds since the oldest uncommitted line was received; 0 when everything journaled is committed. */
  backlogSeconds(): number {
    const oldest = this.oldestUncommitted();
    return oldest === null ? 0 : Math.max(0, this.now() - oldest) / 1000;
  }

  /** Seconds for which there has been something to commit and no commit: how long commits have been stuck. */
  stuckSeconds(): number {
    const oldest = this.oldestUncommitted();
    if (oldest === null) return 0;
    return Math.max(0, this.now() - Math.max(oldest, this.lastCommitAt ?? oldest)) / 1000;
  }

  private oldestUncommitted(): number | null {
    if (this.recordedSeq <= this.committedSeq || this.head >= this.seqs.length) return null;
    return this.times[this.head]!;
  }

  private compact(): void {
    this.seqs = this.seqs.slice(this.head);
    this.times = this.times.slice(this.head);
    this.head = 0;
  }
}
