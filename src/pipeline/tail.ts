// The newest lines journaled while the pipeline catches up, kept in memory (bounded by bytes, oldest dropped) so
// that catch-up can hand over to live at an exact seq without racing the frames that keep arriving: the last
// stretch comes from here, synchronously, instead of from disk.
import type { DataLine } from '../recording/format.js';

export class Tail {
  private lines: DataLine[] = [];
  private sizes: number[] = [];
  private start = 0;
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  push(line: DataLine, size: number): void {
    this.lines.push(line);
    this.sizes.push(size);
    this.bytes += size;
    while (this.bytes > this.maxBytes && this.start < this.lines.length) this.bytes -= this.sizes[this.start++] ?? 0;
    if (this.start > 1024 && this.start * 2 > this.lines.length) this.compact();
  }

  /** The lines after `seq` if they are all here, through `lastSeq`; null when some were dropped or not yet pushed. */
  after(seq: number, lastSeq: number): DataLine[] | null {
    const held = this.lines.slice(this.start).filter((line) => line.seq > seq);
    if (held.length !== lastSeq - seq) return null;
    return held;
  }

  clear(): void {
    this.lines = [];
    this.sizes = [];
    this.start = 0;
    this.bytes = 0;
  }

  private compact(): void {
    this.lines = this.lines.slice(this.start);
    this.sizes = this.sizes.slice(this.start);
    this.start = 0;
  }
}
