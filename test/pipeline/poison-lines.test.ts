// Lines that pass decode but that PostgreSQL refuses outside any table's row-level bisection — an event, a partition,
// a statement a trigger or a snapshot writer fails — used to fail every flush for good. Each is now quarantined as
// its recording line and everything around it commits.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayInto } from '../support/contents.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const T0 = Date.parse('2026-12-01T15:00:00Z');

const quote = (seq: number, symbol: string) =>
  ({ seq, ts: T0 + seq, type: 'ws', frame: { data: [{ service: 'LEVELONE_EQUITIES', timestamp: T0, command: 'SUBS', content: [{ key: symbol, 1: seq, 2: seq + 0.5 }] }] } });

const notice = (seq: number, msg: string) => ({ seq, ts: T0 + seq, type: 'event', event: 'server_notice', detail: { code: 30, msg } });

describe('lines the database refuses outside a table', () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'poison-lines-'));
  });
  afterAll(async () => {
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('quarantines just the line whose event or statement fails, commits the others, and a second replay adds nothing', async () => {
    // A refusal nothing upstream can foresee: a trigger failing one event, as a constraint added by an operator would.
    await db.pool.query(`
      CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.detail->>'msg' = 'poison' THEN RAISE EXCEPTION 'poison event refused'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER refuse_poison BEFORE INSERT ON stream_events FOR EACH ROW EXECUTE FUNCTION refuse_poison();`);
    const lines = [
      quote(1, 'AAA'), notice(2, 'fine'), quote(3, 'BBB'),
      notice(4, 'poison'),
      quote(5, 'CCC'),
      // A receive time no timestamp can hold: to_timestamp refuses it (22008) in the events insert.
      { ...notice(6, 'from the far future'), ts: 1e20 },
      quote(7, 'DDD'), notice(8, 'fine again'),
      // The same as the batch's last line: the checkpoint takes its receive time too.
      { ...notice(9, 'last and far'), ts: 1e20 },
    ];
    const file = path.join(dir, 'poison.ndjson');
    await writeFile(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);

    const totals = await replayInto(db.pool, file, { recordingId: 'poison' });
    expect(totals.rejected).toBe(3);
    const { rows: quotes } = await db.pool.query('SELECT seq::int, symbol FROM equity_quotes ORDER BY seq');
    expect(quotes).toEqual([{ seq: 1, symbol: 'AAA' }, { seq: 3, symbol: 'BBB' }, { seq: 5, symbol: 'CCC' }, { seq: 7, symbol: 'DDD' }]);
    const { rows: events } = await db.pool.query(`SELECT seq::int, detail->>'msg' AS msg FROM stream_events ORDER BY seq`);
    expect(events).toEqual([{ seq: 2, msg: 'fine' }, { seq: 8, msg: 'fine again' }]);
    const { rows: rejects } = await db.pool.query('SELECT seq::int, table_name, reason, raw_text, recording_id FROM rejected_rows ORDER BY seq');
    expect(rejects.map((r) => [r.seq, r.table_name, r.reason, r.recording_id])).toEqual([
      [4, 'recording_line', 'line could not be stored: P0001: poison event refused', 'poison'],
      [6, 'recording_line', 'line could not be stored: 22008: timestamp out of range: "1e+17"', 'poison'],
      [9, 'recording_line', 'line could not be stored: 22008: timestamp out of range: "1e+17"', 'poison'],
    ]);
    expect(JSON.parse(rejects[0].raw_text)).toMatchObject({ events: [{ event: 'server_notice', detail: { msg: 'poison' }, seq: 4 }] });
    const { rows: [checkpoint] } = await db.pool.query(`SELECT last_seq::int FROM recording_checkpoints WHERE recording_id = 'poison'`);
    expect(checkpoint.last_seq).toBe(9);

    const again = await replayInto(db.pool, file, { recordingId: 'poison' });
    expect(again).toMatchObject({ written: {}, rejected: 0 });
    const { rows: [{ n }] } = await db.pool.query('SELECT count(*)::int AS n FROM rejected_rows');
    expect(n).toBe(3);
  });

  it('retries, quarantining nothing, when the database refuses every line for a reason that is not about the data', async () => {
    await db.pool.query(`
      CREATE FUNCTION refuse_all() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'permission denied (simulated)' USING ERRCODE = '42501'; END $$;
      CREATE TRIGGER refuse_all BEFORE INSERT ON equity_quotes FOR EACH ROW EXECUTE FUNCTION refuse_all();`);
    const file = path.join(dir, 'refused.ndjson');
    await writeFile(file, `${[quote(1, 'EEE'), quote(2, 'FFF'), quote(3, 'GGG')].map((l) => JSON.stringify(l)).join('\n')}\n`);
    try {
      await expect(replayInto(db.pool, file, { recordingId: 'refused' })).rejects.toThrow('permission denied (simulated)');
      const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM rejected_rows WHERE recording_id = 'refused'`);
      expect(rows[0].n).toBe(0);
    } finally {
      await db.pool.query('DROP TRIGGER refuse_all ON equity_quotes');
    }
    await replayInto(db.pool, file, { recordingId: 'refused' });
    const { rows: quotes } = await db.pool.query(`SELECT symbol FROM equity_quotes WHERE symbol IN ('EEE', 'FFF', 'GGG') ORDER BY symbol`);
    expect(quotes.map((r) => r.symbol)).toEqual(['EEE', 'FFF', 'GGG']);
  });

  it('makes no partition for a time outside 1990-2100: the flush commits, the row PostgreSQL cannot take is quarantined', async () => {
    const micros = T0 * 1000; // a candle time in microseconds: the year 58,887
    const body = { symbol: 'HHH', empty: false, candles: [
      { open: 1, high: 2, low: 0.5, close: 1.5, volume: 10, datetime: micros },
      { open: 1, high: 2, low: 0.5, close: 1.5, volume: 10, datetime: T0 },
    ] };
    const line = { seq: 1, ts: T0, type: 'rest', method: 'GET', path: '/marketdata/v1/pricehistory?symbol=HHH', status: 200, body };
    const file = path.join(dir, 'far-future.ndjson');
    await writeFile(file, `${JSON.stringify(line)}\n`);
    await replayInto(db.pool, file, { recordingId: 'far-future' });
    const { rows } = await db.pool.query(`SELECT datetime_ms::text, tableoid::regclass::text AS part FROM price_data WHERE symbol = 'HHH'`);
    expect(rows).toEqual([{ datetime_ms: String(T0), part: 'price_data_p202612' }]);
    const { rows: rejects } = await db.pool.query(`SELECT table_name, reason FROM rejected_rows WHERE recording_id = 'far-future'`);
    expect(rejects).toEqual([{ table_name: 'price_data', reason: expect.stringMatching(/^22009: time zone displacement out of range/) }]);
    const { rows: partitions } = await db.pool.query(`SELECT relname FROM pg_class WHERE relname ~ '^price_data_p[0-9]{6,}$' AND relname >= 'price_data_p2100'`);
    expect(partitions).toEqual([]);
  });
});
