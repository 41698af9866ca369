// `record` as a real child process on the simulator, attacked from outside: malformed requests to its HTTP port,
// and a fault that nothing catches (an uncaught exception, an unhandled rejection). It answers the first and keeps
// recording; it stops the second cleanly — the final flush commits every journaled line — and exits non-zero.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { access, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/paths.js';
import { lastSeqOf } from '../../src/recording/reader.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { until } from '../support/until.js';

const CHILD_CONFIG = {
  pipeline: { flushIntervalMs: 50 },
  simulator: { updatesPerSecond: 500, heartbeatIntervalMs: 200 },
  stream: { equities: ['AAPL', 'MSFT', 'SPY'], chartEquities: ['AAPL'] },
  http: { port: 0, host: '127.0.0.1' }, // test files run in parallel: no fixed port
  snapshots: { chains: { underlyings: [] } },
};

interface Child {
  process: ChildProcess;
  stderr: () => string;
  /** The recorder's HTTP base URL, from its start-up lines. */
  url: () => Promise<string>;
}

/** Sends `request` raw over TCP and returns the status line of the answer. */
function rawStatusLine(url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = net.connect(Number(port), hostname, () => socket.write(request));
    socket.setTimeout(5000, () => reject(new Error(`no answer to ${request.slice(0, 40)}`)));
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (text.includes('\r\n')) {
        resolve(text.split('\r\n')[0] ?? '');
        socket.destroy();
      }
    });
    socket.on('error', reject);
  });
}

describe('record, attacked from outside', () => {
  let db: TestDatabase;
  let dir: string;
  let child: Child | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    if (child?.process.exitCode === null) {
      child.process.kill('SIGKILL');
      await once(child.process, 'exit');
    }
    child = undefined;
    await rm(dir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function start(script: string[], env: NodeJS.ProcessEnv = {}): Promise<Child> {
    await db.pool.query('TRUNCATE recording_checkpoints');
    dir = await mkdtemp(path.join(tmpdir(), 'record-test-'));
    await writeFile(path.join(dir, 'config.json'), JSON.stringify(CHILD_CONFIG));
    const spawned = spawn(process.execPath, ['--import', 'tsx', ...script], {
      cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env, DATABASE_URL: db.url, SCHWAB_RECORDER_CONFIG: path.join(dir, 'config.json'),
        SCHWAB_RECORDER_RECORDINGS_DIR: path.join(dir, 'recordings'), SCHWAB_RECORDER_LOG_LEVEL: 'warn',
        SCHWAB_APP_KEY: '', SCHWAB_APP_SECRET: '', ...env,
      },
    });
    let stderr = '';
    spawned.stderr?.on('data', (chunk) => { stderr += String(chunk); });
    const url = async () => {
      await until(() => /metrics: +http:\/\/\S+\/metrics/.test(stderr) || spawned.exitCode !== null, 60_000, 'the metrics URL');
      const found = /metrics: +(http:\/\/\S+)\/metrics/.exec(stderr);
      if (!found?.[1]) throw new Error(`record did not start:\n${stderr}`);
      return found[1];
    };
    child = { process: spawned, stderr: () => stderr, url };
    return child;
  }

  const committedSeq = async (): Promise<number> =>
    (await db.pool.query<{ seq: number | null }>('SELECT max(last_seq)::int AS seq FROM recording_checkpoints')).rows[0]?.seq ?? 0;

  async function recordingFolder(): Promise<string> {
    const [id, ...more] = await readdir(path.join(dir, 'recordings'));
    expect(more).toEqual([]);
    return path.join(dir, 'recordings', id ?? '');
  }

  async function exitOf(running: Child): Promise<number | null> {
    const [code] = (running.process.exitCode === null ? await once(running.process, 'exit') : [running.process.exitCode]) as [number | null];
    return code;
  }

  it('answers malformed requests with HTTP errors, still answers /healthz, and stops cleanly on SIGTERM, a second signal included', async () => {
    const running = await start(['src/cli/main.ts', 'record']);
    const url = await running.url();
    await until(async () => (await committedSeq()) > 0, 30_000, 'a first commit');
    expect(await rawStatusLine(url, 'GET http://[ HTTP/1.1\r\n\r\n')).toBe('HTTP/1.1 400 Bad Request');
    expect(await rawStatusLine(url, 'GET http://[ HTTP/1.1\r\nHost: x\r\n\r\n')).toBe('HTTP/1.1 400 Bad Request');
    expect(await rawStatusLine(url, `GET /healthz HTTP/1.1\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`)).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(await rawStatusLine(url, '\u0000 nonsense\r\n\r\n')).toBe('HTTP/1.1 400 Bad Request');
    const health = await fetch(`${url}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, 'ok\n']);
    const before = await committedSeq();
    await until(async () => (await committedSeq()) > before, 30_000, 'commits after the requests');
    running.process.kill('SIGTERM');
    // A second signal while stopping (an impatient Ctrl-C, npm forwarding it again) must not cut the final flush.
    await new Promise((resolve) => setTimeout(resolve, 30));
    running.process.kill('SIGINT');
    expect(await exitOf(running), running.stderr()).toBe(0);
    expect(await committedSeq()).toBe(await lastSeqOf(await recordingFolder()));
  }, 120_000);

  for (const [fault, kind, message] of [
    ['exception', 'uncaught exception', 'boom from a timer'],
    ['rejection', 'unhandled rejection', 'boom from a promise nobody awaits'],
  ] as const) {
    it(`stops cleanly after an ${kind}: logged once with its reason, every journaled line committed, exit 1`, async () => {
      const running = await start(['test/fixtures/record-with-fault.ts'], { FAULT: fault });
      await running.url();
      await until(async () => (await committedSeq()) > 0, 30_000, 'a first commit');
      running.process.kill('SIGUSR2');
      expect(await exitOf(running), running.stderr()).toBe(1);
      const logLines = running.stderr().split('\n').filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { level: number; msg: string; reason?: string; err?: { message: string } });
      expect(logLines.filter((line) => line.level >= 50).map((line) => [line.msg, line.reason, line.err?.message]))
        .toEqual([[`${kind}: stopping cleanly`, message, message]]);
      expect(running.stderr()).toContain(`error: stopped after an ${kind}: ${message} (the final flush is done; see the log line above)\n`);
      const folder = await recordingFolder();
      expect(await committedSeq()).toBe(await lastSeqOf(folder));
      await expect(access(path.join(folder, '.lock'))).rejects.toThrow(/ENOENT/); // the recording lock is released
    }, 120_000);
  }
});
