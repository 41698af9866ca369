import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/paths.js';
import { contents, replayInto } from '../support/contents.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

// The recorder as a real child process on the simulator, flushing every 20 ms so that a kill lands mid-flush.
const CHILD_CONFIG = {
  pipeline: { flushIntervalMs: 20, flushRows: 300 },
  simulator: { updatesPerSecond: 3000, heartbeatIntervalMs: 200, orderIntervalMs: 400 },
  stream: { equities: ['AAPL', 'MSFT', 'NVDA', 'AMD', 'TSLA', 'SPY', 'QQQ', 'IWM'], chartEquities: ['AAPL', 'SPY'] },
  recording: { segmentMaxBytes: 300_000 },
  http: { port: 0, host: '127.0.0.1' }, // test files run in parallel: no fixed port
  // The quote rate is shared by every subscribed key: no chain polling, so no option contracts take a share.
  snapshots: { chains: { underlyings: [] } },
};

describe('exactly once across kill -9', () => {
  let db: TestDatabase;
  let reference: TestDatabase;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    db = await createTestDatabase();
    reference = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'crash-test-'));
    const config = path.join(dir, 'config.json');
    await writeFile(config, JSON.stringify(CHILD_CONFIG));
    env = {
      ...process.env, DATABASE_URL: db.url, SCHWAB_RECORDER_CONFIG: config, SCHWAB_RECORDER_RECORDINGS_DIR: path.join(dir, 'recordings'),
      SCHWAB_RECORDER_LOG_LEVEL: 'warn', SCHWAB_APP_KEY: '', SCHWAB_APP_SECRET: '',
    };
  });
  afterAll(async () => {
    await db?.drop();
    await reference?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const logs: string[] = [];
  const startChild = (): ChildProcess => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'record'], { cwd: repoRoot, env, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (chunk) => logs.push(String(chunk)));
    return child;
  };

  async function committedSeq(): Promise<number> {
    const { rows } = await db.pool.query('SELECT max(last_seq)::int AS seq FROM recording_checkpoints');
    return rows[0]?.seq ?? 0;
  }

  async function waitForProgress(beyond: number): Promise<number> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const seq = await committedSeq();
      if (seq > beyond) return seq;
      if (Date.now() > deadline) throw new Error(`the recorder committed nothing beyond seq ${beyond} in 30 s:\n${logs.join('')}`);
      await sleep(50);
    }
  }

  it('holds every recorded line\'s rows exactly once after four kills mid-flush and a clean stop', async () => {
    let seq = 0;
    for (const extra of [150, 420, 800, 1300]) {
      const child = startChild();
      seq = await waitForProgress(seq);
      await sleep(extra);
      child.kill('SIGKILL');
      await once(child, 'exit');
      seq = await committedSeq(); // the next child must commit beyond what this one managed
    }
    const last = startChild();
    seq = await waitForProgress(seq);
    await sleep(500);
    last.kill('SIGTERM');
    const [code] = await once(last, 'exit');
    expect(code, logs.join('')).toBe(0);

    const recordings = await readdir(path.join(dir, 'recordings'));
    expect(recordings).toHaveLength(1); // every restart continued the same recording
    const recording = path.join(dir, 'recordings', recordings[0] ?? '');
    await replayInto(reference.pool, recording);

    const [live, replayed] = [await contents(db.pool), await contents(reference.pool)];
    expect(live.equity_quotes?.length).toBeGreaterThan(1000);
    expect(live.stream_events?.filter((e) => (e as { event: string }).event === 'recording_started')).toHaveLength(5);
    for (const table of Object.keys(replayed)) expect(live[table], table).toEqual(replayed[table]);
    const checkpoints = async (pool: typeof db.pool) => (await pool.query('SELECT recording_id, last_seq FROM recording_checkpoints')).rows;
    expect(await checkpoints(db.pool)).toEqual(await checkpoints(reference.pool));
  }, 180_000);
});
