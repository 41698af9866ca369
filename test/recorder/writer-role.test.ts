// compose.yaml runs `record` as the writer role `db roles` creates, not the superuser: everything the recorder does
// at runtime (the migration check at start, partitions, COPY through temp tables, snapshot upserts) must work as it.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/connect.js';
import { ensureRoles } from '../../src/db/roles.js';
import { startRecorder } from '../../src/recorder/recorder.js';
import { bufferLogger } from '../support/capture.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { recorderConfig } from '../support/recorder-config.js';
import { until } from '../support/until.js';

// Roles are cluster-wide: unique names keep parallel test files apart.
const suffix = randomBytes(4).toString('hex');
const writer = { name: `rec_writer_${suffix}`, password: 'writer-secret' };
const reader = { name: `rec_reader_${suffix}`, password: 'reader-secret' };

describe('record as the writer role', () => {
  let db: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase(); // migrated by the superuser, as compose's db-setup does
    await ensureRoles(db.pool, { writer, reader });
    dir = await mkdtemp(path.join(tmpdir(), 'writer-role-test-'));
  });
  afterAll(async () => {
    await db?.drop();
    await db?.admin.query(`DROP ROLE IF EXISTS ${writer.name}`);
    await db?.admin.query(`DROP ROLE IF EXISTS ${reader.name}`);
    await rm(dir, { recursive: true, force: true });
  });

  it('starts on the migrated database, commits streamed rows and snapshots, and warns of nothing but the simulator', async () => {
    const url = new URL(db.url);
    url.username = writer.name;
    url.password = writer.password;
    const config = await recorderConfig(dir, url.toString(), {
      simulator: { updatesPerSecond: 50, heartbeatIntervalMs: 500, orderIntervalMs: 500 },
      http: { port: 0, host: '127.0.0.1' },
      snapshots: { chains: { underlyings: ['AAPL'], intervalMs: 1000, strikeCount: 4, maxDte: 30 }, orders: { pollIntervalMs: 1000, lookbackDays: 30 } },
    });
    const { logger, text } = bufferLogger('warn');
    const pool = createPool(url.toString(), config, logger);
    const recorder = await startRecorder(config, pool, logger);
    try {
      const count = async (table: string) => (await db.pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;
      await until(async () => await count('equity_quotes') > 0 && await count('options_contracts') > 0 && await count('orders') > 0, 30_000, 'streamed rows, a chain and orders');
    } finally {
      await recorder.stop();
      await pool.end();
    }
    const warnings = text().split('\n').filter((line) => line !== '').map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(warnings.filter((msg) => !msg.startsWith('NO SCHWAB CREDENTIALS CONFIGURED'))).toEqual([]);
  });
});
