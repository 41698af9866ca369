// Property, live: a real recorder (startRecorder) streams from a peer over a real WebSocket; the peer throws
// generated hostile frames between valid level-one frames. The recorder stays up and streaming, every valid quote
// commits exactly once, every hostile frame leaves what it must (quarantined, stored, or nothing), and /readyz is
// 200 again once the frames stop. The peer sends nothing unasked, so the recording's ws and ws-text lines after the
// login are exactly the injected frames, in order: that is how each frame's seq is found.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/connect.js';
import { createLogger } from '../../src/log/logger.js';
import { startRecorder, type Recorder } from '../../src/recorder/recorder.js';
import { readRecording } from '../../src/recording/reader.js';
import { MarketSchedule } from '../../src/schedule/market-hours.js';
import { OAuthClient } from '../../src/schwab/oauth.js';
import { TokenManager } from '../../src/schwab/token-manager.js';
import { TokenStore } from '../../src/schwab/token-store.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { recorderConfig } from '../support/recorder-config.js';
import { until } from '../support/until.js';
import { hostileFrame, ISSUE_FRAMES, levelOneFrame, snapshotItem, validQuotes, type WireFrame } from './arbitraries.js';
import { lineProblems, quoteProblems, type ExpectedLine, type ExpectedQuote } from './outcomes.js';
import { startHostilePeer, type HostilePeer } from './peer.js';

/** Huge strings over the socket: 0.5 and 1 MB, under the session's frame bound (the replay property sends MBs). */
const HUGE_BYTES = 1_000_000;
const NUM_RUNS = 8;
const logger = createLogger({ level: 'silent' });

describe('a recorder streaming from a peer that sends hostile frames', () => {
  let db: TestDatabase;
  let dir: string;
  let sim: Simulator;
  let peer: HostilePeer;
  let pool: pg.Pool;
  let recorder: Recorder;
  const readyz = async () => (await fetch(`${recorder.url}/readyz`)).status;

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'hostile-live-'));
    sim = await startSimulator({ updatesPerSecond: 1 });
    peer = await startHostilePeer(sim);
    const config = await recorderConfig(dir, db.url, {
      schwab: { ...sim.credentials, apiBaseUrl: peer.baseUrl, tokenFile: path.join(dir, 'tokens.json') },
      // No heartbeats from the peer, and data only when the test sends it: nothing may time the connection out.
      stream: { equities: ['AAPL'], options: [], chartEquities: [], accountActivity: false, heartbeatTimeoutMs: 300_000, dataSilenceTimeoutMs: 300_000 },
      snapshots: { chains: { underlyings: [] } },
      http: { port: 0, host: '127.0.0.1' },
      pipeline: { flushIntervalMs: 100 },
    });
    const settings = { ...config.schwab, ...sim.credentials };
    const tokens = new TokenManager({ settings, store: new TokenStore(settings.tokenFile, { logger }), oauth: new OAuthClient(settings, { logger }), logger });
    await tokens.login(decodeURIComponent(sim.authorizationCode()));
    pool = createPool(db.url, config, logger);
    pool.on('error', () => undefined);
    const schedule = new MarketSchedule({ settings: config.schedule, fixed: { open: true, why: 'simulated-feed' }, logger });
    recorder = await startRecorder(config, pool, logger, { schedule });
    await until(async () => (await readyz()) === 200, 30_000, '/readyz 200 before the hostile frames');
  }, 60_000);
  afterAll(async () => {
    // A recorder whose flush is stuck (the failure this suite looks for) must not hold the suite for the hook timeout.
    await Promise.race([recorder?.stop(), sleep(15_000)]);
    await pool?.end();
    await peer?.close();
    await sim?.close();
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  let symbols = 0;

  it('stays up, commits each valid quote once, quarantines each hostile frame, and is ready again after', async () => {
    const hostile = fc.tuple(fc.array(hostileFrame(HUGE_BYTES), { maxLength: 6 }), fc.subarray([...ISSUE_FRAMES], { maxLength: 2 }))
      .chain(([generated, known]) => fc.shuffledSubarray([...generated, ...known], { minLength: generated.length + known.length }));
    const runs = fc.array(fc.tuple(validQuotes, hostile), { minLength: 2, maxLength: 6 });
    await fc.assert(fc.asyncProperty(runs, async (parts) => {
      const sent: Array<{ frame: WireFrame; quotes?: Omit<ExpectedQuote, 'seq'>[] }> = [];
      for (const [quotes, hostile] of parts) {
        const named = quotes.map((q) => ({ ...q, symbol: `L${symbols++}` }));
        sent.push({ frame: { label: 'valid', wire: levelOneFrame(named.map(snapshotItem)), expect: { kind: 'noop' } }, quotes: named });
        for (const frame of hostile) sent.push({ frame });
      }
      const before = recorder.writer.lastSeq;
      for (const { frame } of sent) await peer.inject(frame.wire);
      const seqs = await framesJournaled(recorder, before, sent.length);
      await until(() => recorder.pipeline.committedSeq >= seqs[seqs.length - 1]!, 30_000, 'the injected frames committed');

      const quotes = sent.flatMap(({ quotes: q }, i) => (q ?? []).map((quote) => ({ ...quote, seq: seqs[i]! })));
      const hostile: ExpectedLine[] = sent.flatMap(({ frame, quotes: q }, i) => (q ? [] : [{ seq: seqs[i]!, label: frame.label, expect: frame.expect }]));
      const validSeqs = new Set(sent.flatMap(({ quotes: q }, i) => (q ? [seqs[i]!] : [])));
      expect([...await quoteProblems(pool, quotes), ...await lineProblems(pool, recorder.writer.id, hostile, validSeqs)]).toEqual([]);
      expect(recorder.session.state).toBe('streaming');
      await until(async () => (await readyz()) === 200, 30_000, '/readyz 200 after the hostile frames');
    }), { numRuns: NUM_RUNS, endOnFailure: true });
  }, 150_000);
});

/** The seqs of the first `count` ws / ws-text lines after `after`: the injected frames, once all are journaled. */
async function framesJournaled(recorder: Recorder, after: number, count: number): Promise<number[]> {
  let seqs: number[] = [];
  await until(async () => {
    seqs = [];
    for await (const line of readRecording(recorder.writer.folder, { afterSeq: after })) {
      if (line.type === 'ws' || line.type === 'ws-text') seqs.push(line.seq);
    }
    return seqs.length >= count;
  }, 20_000, `${count} injected frames in the recording`);
  return seqs.slice(0, count);
}
