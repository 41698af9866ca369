// Recorded sessions as fixtures: recordings made by `schwab-recorder record` on the simulator (see
// test/fixtures/sessions/README.md) replayed into a fresh database must give exactly the rows of their golden file.
// Set UPDATE_SESSION_GOLDEN=1 to rewrite the golden files after a deliberate decoder change, and review the diff.
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayInto } from '../support/contents.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const SESSIONS = path.join(import.meta.dirname, '../fixtures/sessions');

// Every column except serial ids and insert times; ordered by every column so ties cannot reorder.
const TABLES: Record<string, string> = {
  equity_quotes: 'SELECT * FROM equity_quotes',
  option_quotes: 'SELECT * FROM option_quotes',
  price_data: 'SELECT symbol, datetime_ms, datetime_utc, open_price, high_price, low_price, close_price, volume, previous_close, previous_close_date_ms, is_empty, data_source, frequency_type FROM price_data',
  account_activity: 'SELECT * FROM account_activity',
  stream_events: 'SELECT occurred_at, event, service, detail, recording_id, seq FROM stream_events',
  rejected_rows: 'SELECT table_name, reason, raw_text, recording_id, seq FROM rejected_rows',
  recording_checkpoints: 'SELECT recording_id, last_seq, decode_from_seq, last_received_at FROM recording_checkpoints',
};

interface TableGolden {
  rows: number;
  /** md5 of every row's text, in order: the exact contents. */
  md5: string;
  /** The first rows in full, for a readable diff when the md5 changes. */
  first: unknown[];
}

async function golden(pool: pg.Pool): Promise<Record<string, TableGolden>> {
  const client = await pool.connect();
  try {
    // Row text must not depend on the server's time zone.
    await client.query("SET TIME ZONE 'UTC'");
    const out: Record<string, TableGolden> = {};
    for (const [table, select] of Object.entries(TABLES)) {
      const ordered = `SELECT t.*, t::text AS line FROM (${select}) t ORDER BY line`;
      const { rows } = await client.query(`SELECT count(*)::int AS n, md5(coalesce(string_agg(line, E'\\n' ORDER BY line), '')) AS md5 FROM (${ordered}) o`);
      // Built by PostgreSQL, not pg's type parsers (which read a date as local midnight).
      const first = (await client.query(`SELECT row_to_json(t) AS row FROM (${select}) t ORDER BY t::text LIMIT 3`)).rows.map((r) => r.row);
      out[table] = { rows: rows[0].n, md5: rows[0].md5, first };
    }
    return out;
  } finally {
    client.release();
  }
}

const sessions = (await readdir(SESSIONS, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);

describe.each(sessions)('recorded session %s', (name) => {
  let db: TestDatabase;
  const goldenFile = path.join(SESSIONS, `${name}.expected.json`);

  beforeAll(async () => {
    db = await createTestDatabase();
    await replayInto(db.pool, path.join(SESSIONS, name));
  });
  afterAll(async () => { await db?.drop(); });

  it('replays into exactly the rows of its golden file, table by table', async () => {
    const actual = await golden(db.pool);
    if (process.env['UPDATE_SESSION_GOLDEN'] === '1') await writeFile(goldenFile, `${JSON.stringify(actual, null, 2)}\n`);
    expect(existsSync(goldenFile), `${goldenFile} is missing: run with UPDATE_SESSION_GOLDEN=1 and review it`).toBe(true);
    const expected = JSON.parse(await readFile(goldenFile, 'utf8')) as Record<string, TableGolden>;
    for (const table of Object.keys(TABLES)) expect(actual[table], table).toEqual(expected[table]);
    expect(expected.equity_quotes?.rows).toBeGreaterThan(0);
    expect(expected.account_activity?.rows).toBeGreaterThan(0);
  });

  it('adds nothing when replayed a second time', async () => {
    const before = await golden(db.pool);
    await replayInto(db.pool, path.join(SESSIONS, name));
    expect(await golden(db.pool)).toEqual(before);
  });
});
