// Chain snapshots follow the market schedule, as the config says ("during market hours"): none while it is closed,
// and polling again as soon as it opens. The schedule is the real one on a clock the test moves; the chains come
// from the simulator over REST, counted as it served them.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/connect.js';
import { createLogger } from '../../src/log/logger.js';
import { startRecorder } from '../../src/recorder/recorder.js';
import { MarketSchedule } from '../../src/schedule/market-hours.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { until } from '../support/until.js';
import { recorderConfig } from '../support/recorder-config.js';

/** A Tuesday, in and after the extended session (04:00-20:00 New York; the schedule disconnects 15 minutes after). */
const IN_SESSION = Date.parse('2026-11-24T19:00:00Z'); // 14:00 New York
const AFTER_SESSION = Date.parse('2026-11-25T02:00:00Z'); // 21:00 New York

describe('chain polls and the market schedule', () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'market-polls-'));
  });
  afterAll(async () => {
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('polls chains only while the schedule is open, and again as soon as it opens', async () => {
    const config = await recorderConfig(dir, db.url, {
      simulator: { updatesPerSecond: 50, heartbeatIntervalMs: 500 },
      http: { port: 0, host: '127.0.0.1' },
      // Only chain polls: other polls queued in the REST rate limiter would delay a chain request past the change.
      snapshots: { chains: { underlyings: ['AAPL'], intervalMs: 1000, strikeCount: 4, maxDte: 30 }, movers: { indexes: [] }, marketHours: { markets: [] } },
    });
    const logger = createLogger({ level: 'silent' });
    let now = IN_SESSION;
    const schedule = new MarketSchedule({ settings: { ...config.schedule, enabled: true }, now: () => now, logger });
    const pool = createPool(db.url, config, logger);
    const recorder = await startRecorder(config, pool, logger, { schedule });
    const chainPolls = () => recorder.simulator!.stats.restRequests.filter((r) => r.path.startsWith('/marketdata/v1/chains')).length;
    try {
      expect(schedule.open).toBe(true);
      await until(() => chainPolls() >= 2, 10_000, 'two chain polls in session');
      now = AFTER_SESSION;
      await schedule.refresh();
      expect(schedule.current.why).toBe('after-session');
      await sleep(1000); // a poll already in flight at the change may still arrive
      const closed = chainPolls();
      await sleep(2500); // two and a half intervals
      expect(chainPolls()).toBe(closed);
      now = IN_SESSION + 86_400_000; // Wednesday, 14:00 New York
      await schedule.refresh();
      expect(schedule.open).toBe(true);
      await until(() => chainPolls() > closed, 5000, 'a chain poll once it opens');
    } finally {
      await recorder.stop();
      await pool.end();
    }
  }, 60_000);
});
