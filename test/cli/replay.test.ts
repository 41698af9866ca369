import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

describe('schwab-recorder replay', () => {
  let db: TestDatabase;
  let dir: string;
  let file: string;
  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false });
    dir = await mkdtemp(path.join(tmpdir(), 'replay-cli-'));
    file = path.join(dir, 'quotes.ndjson');
    const frame = (await readFile(new URL('../fixtures/samples/stream-levelone-equities.jsonl', import.meta.url), 'utf8')).split('\n')[1];
    await writeFile(file, `{"seq":1,"ts":1712595000000,"type":"ws","frame":${frame}}\n{"seq":2,"ts":1712595000500,"type":"ws-text","text":"garbage"}\n`);
  });
  afterAll(async () => {
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('migrates an empty database, loads the recording and prints rows per table and the rejected count', async () => {
    const run = await runCli(['replay', file, '--database-url', db.url], { SCHWAB_RECORDER_LOG_LEVEL: 'warn' });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^recording file-[0-9a-f]{16}: 2 lines replayed in \d+\.\d s$/m);
    expect(run.stdout).toMatch(/^equity_quotes\s+4$/m);
    expect(run.stdout).toMatch(/^\(rejected\)\s+1$/m);
  });

  it('adds nothing the second time', async () => {
    const run = await runCli(['replay', file, '--database-url', db.url], { SCHWAB_RECORDER_LOG_LEVEL: 'warn' });
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/^equity_quotes/m);
    expect(run.stdout).toMatch(/^\(rejected\)\s+0$/m);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM equity_quotes');
    expect(rows[0].n).toBe(4);
  });

  it('paces the replay at --speed: lines 0.5 s apart at speed 0.1 take at least 5 s', async () => {
    // A database that has not seen the recording: a committed one is not read again, so there is nothing to pace.
    const fresh = await createTestDatabase({ migrated: false });
    try {
      const started = Date.now();
      const paced = await runCli(['replay', file, '--speed', '0.1', '--database-url', fresh.url], { SCHWAB_RECORDER_LOG_LEVEL: 'warn' });
      expect(paced.code).toBe(0);
      expect(Date.now() - started).toBeGreaterThanOrEqual(5000);
      expect(paced.stdout).toMatch(/^equity_quotes\s+4$/m);
    } finally {
      await fresh.drop();
    }
  });

  it('rejects a bad speed as a usage error', async () => {
    const bad = await runCli(['replay', file, '--speed', 'fast'], {});
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("option '--speed <speed>' argument 'fast' is invalid. expected a positive number or \"max\"");
  });
});
