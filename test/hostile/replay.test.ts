// Property: a recording of valid level-one quotes with generated hostile lines between them replays without
// throwing, commits every valid quote exactly once, quarantines every line that cannot be a row (and leaves the
// legitimate no-ops alone), and a second replay adds nothing. Each run gets a fresh clone of the migrated template.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/database.js';
import { replayInto } from '../support/contents.js';
import { uniqueName } from '../support/server.js';
import { hostileLine, validQuotes } from './arbitraries.js';
import { lineProblems, quoteProblems, RecordingBuilder, tableCounts } from './outcomes.js';

/** Huge strings of 1.5 and 3 MB: larger than any excerpt a quarantine should keep. */
const HUGE_BYTES = 3_000_000;
/** Each run clones a database and replays twice: few runs keep the file well inside CI's minute. */
const NUM_RUNS = 12;

describe('replay of valid quotes between generated hostile lines', () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(path.join(tmpdir(), 'hostile-replay-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('resolves, commits each valid quote once, quarantines each hostile line, and a second replay adds nothing', async () => {
    const segments = fc.array(fc.tuple(validQuotes, fc.array(hostileLine(HUGE_BYTES), { maxLength: 4 })), { minLength: 2, maxLength: 6 });
    await fc.assert(fc.asyncProperty(segments, async (parts) => {
      const recording = new RecordingBuilder(uniqueName('hostile'));
      for (const [quotes, hostile] of parts) {
        recording.valid(quotes);
        hostile.forEach((line) => recording.add(line));
      }
      recording.valid([{ bid: 1, ask: 2, last: 1.5, volume: 10, quoteTime: 1_715_777_955_574 }]); // after the last hostile line
      const file = path.join(dir, `${recording.id}.ndjson`);
      await recording.write(file);
      const db = await createTestDatabase();
      try {
        await replayInto(db.pool, file);
        expect([...await quoteProblems(db.pool, recording.quotes), ...await lineProblems(db.pool, recording.id, recording.hostile)]).toEqual([]);
        const before = await tableCounts(db.pool);
        await replayInto(db.pool, file);
        expect(await tableCounts(db.pool)).toEqual(before);
      } finally {
        await db.drop();
        await rm(file, { force: true });
      }
    }), { numRuns: NUM_RUNS, endOnFailure: true });
  }, 120_000);
});
