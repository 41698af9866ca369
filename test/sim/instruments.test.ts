// The simulator's GET /marketdata/v1/instruments in the shape of the real capture (test/fixtures/captures/instruments.jsonl):
// the same keys for a dividend payer (AAPL) and for a stock without dividends (SNOW there, AMD here), and values
// that decode into every fundamentals column.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeInstruments, FUNDAMENTAL_FIELDS } from '../../src/decode/rest/instruments.js';
import { instrumentsSchema } from '../../src/schwab/schemas/instruments.js';
import { parseBody } from '../../src/schwab/schemas/parse.js';
import { startSimulator, type Simulator, type TokenResponse } from '../../src/sim/index.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const REAL = JSON.parse(readFileSync(new URL('../fixtures/captures/instruments.jsonl', import.meta.url), 'utf8').split('\n')[0]!) as { instruments: Json[] };
const realOf = (symbol: string): Json => REAL.instruments.find((i) => i['symbol'] === symbol && i['fundamental'] !== undefined)!;
const keys = (value: unknown): string[] => Object.keys(value as object).sort();

describe('simulator instruments', () => {
  let sim: Simulator;
  let tokens: TokenResponse;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 21 });
    tokens = sim.issueTokens();
  });
  afterAll(async () => { await sim?.close(); });

  async function get(path: string): Promise<{ status: number; body: Json }> {
    const response = await fetch(`${sim.baseUrl}${path}`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    return { status: response.status, body: (await response.json()) as Json };
  }

  it('answers projection=fundamental with the real body\'s keys, known symbols only, in request order', async () => {
    const { status, body } = await get('/marketdata/v1/instruments?symbol=AAPL,NOPE,AMD,SPY&projection=fundamental');
    expect(status).toBe(200);
    expect(() => parseBody('instruments', instrumentsSchema, body)).not.toThrow();
    const [aapl, amd, spy] = body['instruments'] as Json[];
    expect((body['instruments'] as Json[]).map((i) => i['symbol'])).toEqual(['AAPL', 'AMD', 'SPY']);
    expect(keys(aapl)).toEqual(keys(realOf('AAPL')));
    expect(keys(aapl!['fundamental'])).toEqual(keys(realOf('AAPL')['fundamental']));
    expect(keys(amd!['fundamental'])).toEqual(keys(realOf('SNOW')['fundamental'])); // no dividend: no dividend dates
    expect(aapl).toMatchObject({ cusip: '037833100', description: 'Apple Inc', exchange: 'NASDAQ', assetType: 'EQUITY' });
    expect(spy).toMatchObject({ assetType: 'ETF', exchange: 'NYSE Arca' });
    expect(aapl!['fundamental']['dividendDate']).toMatch(/^\d{4}-\d{2}-\d{2} 00:00:00\.0$/);

    // Everything a real body fills is filled by the simulator's too.
    const rows = (decodeInstruments(body, { path: '/marketdata/v1/instruments', receivedAt: Date.now() }).snapshots
      .find((s) => s.kind === 'fundamentals')!.data as { rows: Json[] }).rows;
    const unset = FUNDAMENTAL_FIELDS.filter((f) => rows[0]![f.column] === null).map((f) => f.field);
    expect(unset).toEqual(['corpactionDate', 'fundStrategy']);
  });

  it('answers symbol-search without fundamentals, a cusip lookup with one instrument, and refuses other projections', async () => {
    const search = await get('/marketdata/v1/instruments?symbol=VTI,MSFT&projection=symbol-search');
    expect(search.body).toEqual({ instruments: [{ cusip: '594918104', symbol: 'MSFT', description: 'Microsoft Corp', exchange: 'NASDAQ', assetType: 'EQUITY' }] });
    expect(keys(search.body['instruments'][0])).toEqual(keys(REAL.instruments[0]));
    expect((await get('/marketdata/v1/instruments/037833100')).body).toMatchObject({ symbol: 'AAPL', cusip: '037833100' });
    expect((await get('/marketdata/v1/instruments/000000000')).status).toBe(404);
    expect((await get('/marketdata/v1/instruments?symbol=AAPL&projection=desc-regex')).status).toBe(400);
    expect((await get('/marketdata/v1/instruments?projection=fundamental')).status).toBe(400);
  });
});
