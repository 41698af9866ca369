// What the recorder does not decode is never silent: the first frame of an unknown service, command or field leaves
// a stream_events row naming it (and a warning), once per name, besides the counter; the frames stay in the recording.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferLogger } from '../support/capture.js';
import { replayInto } from '../support/contents.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const T0 = Date.parse('2026-12-01T15:00:00Z');
const ws = (seq: number, service: string, content: unknown[], command = 'SUBS') =>
  ({ seq, ts: T0 + seq, type: 'ws', frame: { data: [{ service, timestamp: T0, command, content }] } });

describe('services, commands and fields the recorder does not decode', () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'unknowns-'));
  });
  afterAll(async () => {
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('are each noted once as an event and a warning, with the line they first came in; the known parts still decode', async () => {
    const lines = [
      ws(1, 'NEWS_HEADLINE', [{ key: 'AAPL', 1: 'x' }]),
      ws(2, 'LEVELONE_EQUITIES', [{ key: 'AAA', 1: 1, 99: 'new' }]),
      ws(3, 'NEWS_HEADLINE', [{ key: 'MSFT', 1: 'y' }]),
      ws(4, 'LEVELONE_EQUITIES', [{ key: 'AAA', 1: 2, 99: 'again', 98: 0 }], 'REFRESH'),
      ws(5, 'LEVELONE_EQUITIES', [{ key: 'AAA', 1: 3 }], 'REFRESH'),
    ];
    const file = path.join(dir, 'unknowns.ndjson');
    await writeFile(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    const { logger, text } = bufferLogger('warn');
    await replayInto(db.pool, file, { recordingId: 'unknowns', logger });
    const { rows: events } = await db.pool.query('SELECT seq::int, event, service, detail FROM stream_events ORDER BY seq, event');
    expect(events).toEqual([
      { seq: 1, event: 'unknown_service', service: 'NEWS_HEADLINE', detail: { service: 'NEWS_HEADLINE' } },
      { seq: 2, event: 'unknown_field', service: 'LEVELONE_EQUITIES', detail: { service: 'LEVELONE_EQUITIES', field: '99' } },
      { seq: 4, event: 'unknown_command', service: 'LEVELONE_EQUITIES', detail: { service: 'LEVELONE_EQUITIES', command: 'REFRESH' } },
      { seq: 4, event: 'unknown_field', service: 'LEVELONE_EQUITIES', detail: { service: 'LEVELONE_EQUITIES', field: '98' } },
    ]);
    const { rows: quotes } = await db.pool.query('SELECT seq::int, bid_price FROM equity_quotes ORDER BY seq');
    expect(quotes).toEqual([{ seq: 2, bid_price: 1 }, { seq: 4, bid_price: 2 }, { seq: 5, bid_price: 3 }]);
    const warnings = text().split('\n').filter((line) => line.includes('does not decode this yet'));
    expect(warnings).toHaveLength(4);

    await replayInto(db.pool, file, { recordingId: 'unknowns', logger });
    const { rows: [{ n }] } = await db.pool.query('SELECT count(*)::int AS n FROM stream_events');
    expect(n).toBe(4);
  });
});
