// Issue 14 item 9 for userPreference and instruments: a recording made before the recorder decoded them holds their
// bodies (every REST body is journaled; only decoding ignored them). Replayed now, it gives the account its nickname
// and fills fundamentals and symbols with the captured values; a second replay adds nothing.
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactRestBody } from '../../src/capture/redact-rest.js';
import { contents, replayInto } from '../support/contents.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const T0 = Date.parse('2024-08-27T14:00:00Z');
const HASH = 'E5B9D6C1A0F3E2D4C5B6A7980F1E2D3C4B5A69788796A5B4C3D2E1F0A9B8C7D6';
const sample = (file: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/samples/${file}`, import.meta.url), 'utf8'));
const INSTRUMENTS: unknown = JSON.parse(readFileSync(new URL('../fixtures/captures/instruments.jsonl', import.meta.url), 'utf8').split('\n')[0]!);

// The bodies as a session journals them: account numbers masked by capture.
const BODIES: Array<{ path: string; body: unknown }> = [
  { path: '/trader/v1/userPreference', body: sample('rest-userpreference.json') }, // at connect, before any account is known
  { path: `/trader/v1/accounts/${HASH}`, body: (sample('rest-accounts.json') as unknown[])[1] },
  { path: '/trader/v1/userPreference', body: sample('rest-userpreference.json') }, // the pollers' second fetch
  { path: '/marketdata/v1/instruments?symbol=VTI,AAPL,SNOW&projection=fundamental', body: INSTRUMENTS },
];

describe('a recording made before userPreference and instruments were decoded', () => {
  let db: TestDatabase;
  let dir: string;
  const recording = async (name: string): Promise<string> => {
    const folder = path.join(dir, name);
    await mkdir(folder);
    const meta = { type: 'meta', format: 'schwab-recorder/1', recording: name, segment: 1, startedAt: new Date(T0).toISOString(), firstSeq: 1 };
    const lines = BODIES.map(({ path: p, body }, i) => ({ seq: i + 1, ts: T0 + (i + 1) * 1000, type: 'rest', method: 'GET', path: p, status: 200, body: redactRestBody(body) }));
    await writeFile(path.join(folder, '000001.ndjson'), `${[meta, ...lines].map((l) => JSON.stringify(l)).join('\n')}\n`);
    return folder;
  };
  beforeAll(async () => {
    db = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'reference-data-replay-'));
  });
  afterAll(async () => {
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('names the account, fills fundamentals and symbols when replayed now, and a second replay adds nothing', async () => {
    const totals = await replayInto(db.pool, await recording('pre-reference'));
    expect(totals).toMatchObject({ rejected: 0, written: { fundamentals: 3, symbols: 3 } });
    const { rows: accounts } = await db.pool.query('SELECT account_hash, display_name, nickname, account_type, updated_at FROM accounts');
    expect(accounts).toEqual([{ account_hash: HASH, display_name: '...678', nickname: 'Individual', account_type: 'MARGIN', updated_at: new Date(T0 + 3000) }]);
    const { rows: symbols } = await db.pool.query('SELECT symbol, company_name, description, asset_type, exchange, cusip, updated_at FROM symbols ORDER BY symbol');
    expect(symbols).toEqual([
      { symbol: 'AAPL', company_name: 'Apple Inc', description: 'Apple Inc', asset_type: 'EQUITY', exchange: 'NASDAQ', cusip: '037833100', updated_at: new Date(T0 + 4000) },
      { symbol: 'SNOW', company_name: 'SNOWFLAKE INC A', description: 'SNOWFLAKE INC A', asset_type: 'EQUITY', exchange: 'NYSE', cusip: '833445109', updated_at: new Date(T0 + 4000) },
      { symbol: 'VTI', company_name: 'VANGUARD TOTAL STOCK MARKET ETF', description: 'VANGUARD TOTAL STOCK MARKET ETF', asset_type: 'ETF', exchange: 'NYSE Arca', cusip: '922908769', updated_at: new Date(T0 + 4000) },
    ]);
    const { rows: fundamentals } = await db.pool.query(`
      SELECT symbol, to_char(as_of_date, 'YYYY-MM-DD') AS as_of_date, high_52, market_cap, dividend_freq,
             to_char(next_dividend_date, 'YYYY-MM-DD') AS next_dividend_date, received_at FROM fundamentals ORDER BY symbol`);
    expect(fundamentals).toEqual([
      { symbol: 'AAPL', as_of_date: '2024-08-27', high_52: 237.23, market_cap: 3448906437080, dividend_freq: 4, next_dividend_date: '2024-11-12', received_at: new Date(T0 + 4000) },
      { symbol: 'SNOW', as_of_date: '2024-08-27', high_52: 237.72, market_cap: 38794767935, dividend_freq: 0, next_dividend_date: null, received_at: new Date(T0 + 4000) },
      { symbol: 'VTI', as_of_date: '2024-08-27', high_52: 279.21, market_cap: 1706908582127, dividend_freq: 4, next_dividend_date: '2024-09-30', received_at: new Date(T0 + 4000) },
    ]);

    const everything = async () => ({
      ...(await contents(db.pool)),
      accounts: (await db.pool.query('SELECT * FROM accounts ORDER BY account_id')).rows,
      symbols: (await db.pool.query('SELECT * FROM symbols ORDER BY symbol_id')).rows,
      fundamentals: (await db.pool.query('SELECT * FROM fundamentals ORDER BY symbol, as_of_date')).rows,
    });
    const before = await everything();
    // The same bodies again under another recording id: decoded and written again, they change no row.
    const again = await replayInto(db.pool, await recording('pre-reference-copy'));
    expect(again).toMatchObject({ rejected: 0, written: { fundamentals: 0, symbols: 0, accounts: 0 } });
    expect(await everything()).toEqual(before);
  });
});
