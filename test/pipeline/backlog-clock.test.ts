import { describe, expect, it } from 'vitest';
import { BacklogClock } from '../../src/pipeline/backlog-clock.js';

describe('BacklogClock', () => {
  let now = 0;
  const clock = () => new BacklogClock(() => now);

  it('is 0 while everything journaled is committed, and counts from the oldest uncommitted line at the moment asked', () => {
    now = 1_000_000;
    const c = clock();
    expect(c.backlogSeconds()).toBe(0);
    c.journaled(1, 1_000_000);
    c.journaled(2, 1_000_400);
    now = 1_005_000;
    expect(c.backlogSeconds()).toBe(5);
    expect(c.stuckSeconds()).toBe(5); // nothing ever committed since line 1 arrived
    c.committed(2, 1_000_400);
    expect(c.backlogSeconds()).toBe(0);
    expect(c.stuckSeconds()).toBe(0);
  });

  it('after a partial commit, dates the backlog no later than the first uncommitted line and at most a second earlier', () => {
    now = 2_000_000;
    const c = clock();
    for (let seq = 1; seq <= 100; seq++) c.journaled(seq, 2_000_000 + seq * 100); // a line every 100 ms for 10 s
    now = 2_020_000;
    c.committed(40, 2_004_000); // line 41 arrived at 2_004_100
    const age = c.backlogSeconds();
    expect(age).toBeGreaterThanOrEqual((2_020_000 - 2_004_100) / 1000);
    expect(age).toBeLessThanOrEqual((2_020_000 - 2_004_100 + 1000) / 1000);
    expect(c.stuckSeconds()).toBe(0); // a commit just happened
    now = 2_030_000;
    expect(c.stuckSeconds()).toBe(10);
  });

  it('does not date a line that arrives after an idle spell by the samples before it', () => {
    now = 3_000_000;
    const c = clock();
    c.journaled(1, 3_000_000);
    c.committed(1, 3_000_000);
    now = 9_000_000; // hours idle (the market closed), then one line
    c.journaled(2, 9_000_000);
    now = 9_000_250;
    expect(c.backlogSeconds()).toBe(0.25);
  });
});
