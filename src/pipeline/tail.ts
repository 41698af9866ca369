// The newest lines journaled while the pipeline catches up, kept in memory (bounded by bytes, oldest dropped) so
// that catch-up can hand over to live at an exact seq without racing the frames that keep arriving: the last
// stretch comes from here, synchronously, instead of from disk.
//
// It holds each line's recording text, not the parsed line: a parsed frame is ~3× its text on the heap, and one
// held for seconds is promoted to V8's old space, whose garbage is collected lazily — during a database outage that
// grew the process by hundreds of MB. Only the lines of the hand-over are parsed (again).
import type { DataLine } from '../recording/format.js';

export class Tail {
  private texts: string[] = [];
  private seqs: number[] = [];
  private start = 0;
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  push(seq: number, text: string): void {
    this.texts.push(text);
    this.seqs.push(seq);
    this.bytes += text.length;
    while (this.bytes > this.maxBytes && this.start < this.texts.length) {
      this.bytes -= this.texts[this.start]!.length;
      this.texts[this.start++] = ''; // dropped now, not at the next compaction
    }
    if (this.start > 1024 && this.start * 2 > this.texts.length) this.compact();
  }

  /** The lines after `seq` if they are all here, through `lastSeq`; null when some were dropped or not yet pushed. */
  after(seq: number, lastSeq: number): DataLine[] | null {
    let first = this.start;
    while (first < this.seqs.length && this.seqs[first]! <= seq) first += 1;
    if (this.seqs.length - first !== lastSeq - seq) return null;
    return this.texts.slice(first).map((text) => JSON.parse(text) as DataLine);
  }

  clear(): void {
    this.texts = [];
    this.seqs = [];
    this.start = 0;
    this.bytes = 0;
  }

  private compact(): void {
    this.texts = this.texts.slice(this.start);
    this.seqs = this.seqs.slice(this.start);
    this.start = 0;
  }
}
