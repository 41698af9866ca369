import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/schwab/rate-limit.js';

describe('TokenBucket', () => {
  it('lets a burst through at once and spaces the rest at the steady rate, in call order', async () => {
    const bucket = new TokenBucket({ requestsPerMinute: 600, burst: 3 }); // one per 100 ms
    const started = Date.now();
    const done: Array<[number, number]> = [];
    await Promise.all(Array.from({ length: 6 }, (_, index) => bucket.take().then(() => done.push([index, Date.now() - started]))));
    expect(done.map(([index]) => index)).toEqual([0, 1, 2, 3, 4, 5]);
    const times = done.map(([, ms]) => ms);
    expect(times.slice(0, 3).every((ms) => ms < 50)).toBe(true);
    expect(times[3]).toBeGreaterThanOrEqual(95);
    expect(times[5]).toBeGreaterThanOrEqual(295);
    expect(times[5]).toBeLessThan(1_500);
  });

  it('refills while idle, up to the burst', async () => {
    let now = 0;
    const bucket = new TokenBucket({ requestsPerMinute: 60, burst: 2, now: () => now });
    await bucket.take();
    await bucket.take();
    now += 10_000; // ten tokens' worth, capped at two
    const started = Date.now();
    await bucket.take();
    await bucket.take();
    expect(Date.now() - started).toBeLessThan(50);
  });

  it('defaults to a small burst: 10 at 120 per minute', () => {
    expect(new TokenBucket({ requestsPerMinute: 120 }).burst).toBe(10);
    expect(new TokenBucket({ requestsPerMinute: 6 }).burst).toBe(1);
  });

  it('gives a waiting caller up when its signal aborts', async () => {
    const bucket = new TokenBucket({ requestsPerMinute: 1, burst: 1 });
    await bucket.take();
    await expect(bucket.take(AbortSignal.timeout(20))).rejects.toMatchObject({ name: 'AbortError' });
  });
});
