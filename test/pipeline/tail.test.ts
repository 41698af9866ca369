import { describe, expect, it } from 'vitest';
import { Tail } from '../../src/pipeline/tail.js';

const line = (seq: number, pad = '') => JSON.stringify({ seq, ts: 1000 + seq, type: 'event', event: 'tick', detail: { pad } });

describe('Tail', () => {
  it('hands back the lines after a seq, parsed, when it holds every one of them through the last seq', () => {
    const tail = new Tail(1 << 20);
    for (let seq = 1; seq <= 5; seq++) tail.push(seq, line(seq));
    expect(tail.after(2, 5)?.map((l) => l.seq)).toEqual([3, 4, 5]);
    expect(tail.after(2, 5)?.[0]).toEqual({ seq: 3, ts: 1003, type: 'event', event: 'tick', detail: { pad: '' } });
    expect(tail.after(5, 5)).toEqual([]);
  });

  it('answers null when a line journaled after the seq is not held yet (the caller reads the disk again)', () => {
    const tail = new Tail(1 << 20);
    for (let seq = 1; seq <= 5; seq++) tail.push(seq, line(seq));
    expect(tail.after(2, 6)).toBeNull();
  });

  it('drops the oldest lines past its byte bound, and then cannot hand over from before them', () => {
    const one = line(11, 'x'.repeat(100)).length; // seqs 11-20: every line the same length
    const tail = new Tail(one * 4);
    for (let seq = 11; seq <= 20; seq++) tail.push(seq, line(seq, 'x'.repeat(100)));
    expect(tail.after(16, 20)?.map((l) => l.seq)).toEqual([17, 18, 19, 20]);
    expect(tail.after(18, 20)?.map((l) => l.seq)).toEqual([19, 20]);
    expect(tail.after(15, 20)).toBeNull();
  });

  it('keeps working across compactions of a long run of dropped lines', () => {
    const tail = new Tail(10 * line(1).length);
    for (let seq = 1; seq <= 5000; seq++) tail.push(seq, line(seq));
    expect(tail.after(4995, 5000)?.map((l) => l.seq)).toEqual([4996, 4997, 4998, 4999, 5000]);
    tail.clear();
    expect(tail.after(4995, 5000)).toBeNull();
  });
});
