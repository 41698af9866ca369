// GET /marketdata/v1/instruments?projection=fundamental: the real capture (test/fixtures/captures/instruments.jsonl,
// z-Wind/schwab_api 2024-08) decoded and written, every stored column checked as PostgreSQL holds it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeInstruments, FUNDAMENTAL_FIELDS } from '../../src/decode/rest/instruments.js';
import { decodeRestBody } from '../../src/decode/rest/router.js';
import { recordsOf, writeSnapshots, writerDatabase } from '../support/snapshot-writers.js';

const BODY: unknown = JSON.parse(readFileSync(new URL('../fixtures/captures/instruments.jsonl', import.meta.url), 'utf8').split('\n')[0]!);
const PATH = '/marketdata/v1/instruments?symbol=VTI,AAPL,SNOW&projection=fundamental';
const RECEIVED = Date.parse('2024-08-27T06:50:00Z'); // 02:50 in New York: as of 2024-08-27
const day = (date: string): Date => new Date(`${date}T00:00:00`); // node-postgres reads a DATE as local midnight

// AAPL's fundamental block as the capture has it, column by column.
const AAPL = {
  symbol: 'AAPL', as_of_date: day('2024-08-27'),
  high_52: 237.23, low_52: 164.075, dividend_amount: 1, dividend_yield: 0.44084, dividend_date: day('2024-08-12'),
  pe_ratio: 34.54414, peg_ratio: 111.90974, pb_ratio: 48.06189, pr_ratio: 8.43929, pcf_ratio: 23.01545,
  gross_margin_ttm: 45.962, gross_margin_mrq: 46.2571, net_profit_margin_ttm: 26.4406, net_profit_margin_mrq: 25.0043,
  operating_margin_ttm: 26.4406, operating_margin_mrq: 25.0043, return_on_equity: 160.5833, return_on_assets: 22.6119,
  return_on_investment: 50.98106, quick_ratio: 0.79752, current_ratio: 0.95298, interest_coverage: 0,
  total_debt_to_capital: 51.3034, lt_debt_to_equity: 151.8618, total_debt_to_equity: 129.2138, eps_ttm: 6.56667,
  eps_change_percent_ttm: 10.3155, eps_change_year: 0, eps_change: 0, rev_change_year: -2.8005, rev_change_ttm: 0.4349,
  rev_change_in: 0, shares_outstanding: 15204137000, market_cap_float: 0, market_cap: 3448906437080,
  book_value_per_share: 4.38227, short_int_to_float: 0, short_int_day_to_cover: 0, div_growth_rate_3_year: 0,
  dividend_pay_amount: 0.25, dividend_pay_date: day('2024-08-15'), beta: 1.24364, vol_1_day_avg: 0, vol_10_day_avg: 0,
  vol_3_month_avg: 0, avg_10_days_volume: 40302315, avg_1_day_volume: 60190148, avg_3_month_volume: 64850823,
  declaration_date: day('2024-08-01'), dividend_freq: 4, eps: 6.13, corpaction_date: null, dtn_volume: 38677250,
  next_dividend_pay_date: day('2024-11-15'), next_dividend_date: day('2024-11-12'), fund_leverage_factor: 0,
  fund_strategy: null, received_at: new Date(RECEIVED),
};

describe('decodeInstruments', () => {
  it('is the decoder of instruments paths, with and without a cusip', () => {
    expect(decodeRestBody(BODY, { path: PATH, receivedAt: RECEIVED })).toStrictEqual(decodeInstruments(BODY, { path: PATH, receivedAt: RECEIVED }));
    expect(decodeRestBody(BODY, { path: '/marketdata/v1/instruments/037833100', receivedAt: RECEIVED })?.rejects).toEqual([]);
  });

  it('maps every field of the FundamentalInst spec to its own column', () => {
    // 58 fields in the spec: `symbol` (the key) and 57 values.
    expect(FUNDAMENTAL_FIELDS).toHaveLength(57);
    expect(new Set(FUNDAMENTAL_FIELDS.map((f) => f.column)).size).toBe(57);
    const sent = Object.keys((BODY as { instruments: { fundamental?: object }[] }).instruments[2]!.fundamental!).filter((k) => k !== 'symbol');
    expect(sent.filter((field) => !FUNDAMENTAL_FIELDS.some((f) => f.field === field))).toEqual([]);
  });

  it('rejects an instrument without a symbol and a fundamental that is not an object, keeping the rest', () => {
    const result = decodeInstruments({ instruments: [{ cusip: '1' }, { symbol: 'X', fundamental: 7 }, { symbol: 'Y' }] }, { path: PATH, receivedAt: RECEIVED });
    expect(result.rejects).toEqual([
      { table: 'symbols', reason: 'instrument without a symbol', raw: '{"cusip":"1"}' },
      { table: 'fundamentals', reason: 'fundamental of "X" is not an object', raw: '7' },
    ]);
    expect(result.snapshots.map((s) => s.kind)).toEqual(['symbols']);
    expect(decodeInstruments({ errors: [] }, { path: PATH, receivedAt: RECEIVED }).rejects).toHaveLength(1);
  });
});

describe('instruments written', () => {
  const db = writerDatabase(['fundamentals', 'symbols']);
  const write = (body: unknown, receivedAt: number, seq = 1) =>
    writeSnapshots(db.pool, recordsOf({ result: decodeInstruments(body, { path: PATH, receivedAt }), seq }));

  it('stores one fundamentals row per symbol and day, every column as the capture has it', async () => {
    const result = await write(BODY, RECEIVED);
    expect(result.rejects).toEqual([]);
    expect(result.written).toMatchObject({ fundamentals: 3, symbols: 3 });
    const { rows } = await db.pool.query('SELECT * FROM fundamentals ORDER BY symbol');
    expect(rows.map((r) => r.symbol)).toEqual(['AAPL', 'SNOW', 'VTI']);
    expect(rows[0]).toStrictEqual(AAPL);
    // SNOW pays no dividend: the capture has no dividend dates, so they are NULL; its negative ratios are kept.
    expect(rows[1]).toMatchObject({
      dividend_date: null, dividend_pay_date: null, declaration_date: null, next_dividend_pay_date: null, next_dividend_date: null,
      dividend_amount: 0, dividend_freq: 0, pe_ratio: -37.80542, eps: -2.54907, market_cap: 38794767935, shares_outstanding: 334841774,
    });
    expect(rows[2]).toMatchObject({ symbol: 'VTI', high_52: 279.21, peg_ratio: -0.03599, dividend_date: day('2024-06-28'), net_profit_margin_ttm: 1427.506 });
  });

  it('fills the symbols table with description, exchange, cusip and asset type, never replacing what is known', async () => {
    await db.pool.query(`INSERT INTO symbols (symbol, company_name, description, asset_type, exchange) VALUES ('AAPL', 'Apple Inc', 'Apple Inc', 'EQUITY', 'NASDAQ')`);
    await db.pool.query(`INSERT INTO symbols (symbol, description, asset_type) VALUES ('SPY', 'SPDR S&P 500 ETF', 'EQUITY')`);
    await write(BODY, RECEIVED);
    await write({ instruments: [{ symbol: 'SPY', assetType: 'ETF' }] }, RECEIVED + 1000, 2); // no description, no exchange
    const { rows } = await db.pool.query('SELECT symbol, company_name, description, asset_type, exchange, cusip FROM symbols ORDER BY symbol');
    expect(rows).toEqual([
      { symbol: 'AAPL', company_name: 'Apple Inc', description: 'Apple Inc', asset_type: 'EQUITY', exchange: 'NASDAQ', cusip: '037833100' },
      { symbol: 'SNOW', company_name: 'SNOWFLAKE INC A', description: 'SNOWFLAKE INC A', asset_type: 'EQUITY', exchange: 'NYSE', cusip: '833445109' },
      { symbol: 'SPY', company_name: null, description: 'SPDR S&P 500 ETF', asset_type: 'EQUITY', exchange: null, cusip: null },
      { symbol: 'VTI', company_name: 'VANGUARD TOTAL STOCK MARKET ETF', description: 'VANGUARD TOTAL STOCK MARKET ETF', asset_type: 'ETF', exchange: 'NYSE Arca', cusip: '922908769' },
    ]);
  });

  it('keeps one row a day: a second poll that day updates it, a repeat or an older body changes nothing, the next day adds a row', async () => {
    await write(BODY, RECEIVED);
    expect((await write(BODY, RECEIVED)).written).toMatchObject({ fundamentals: 0 });
    const later = { instruments: [{ symbol: 'AAPL', fundamental: { symbol: 'AAPL', high52: 240 } }] };
    expect((await write(later, RECEIVED + 3_600_000, 2)).written).toMatchObject({ fundamentals: 1 });
    expect((await write(BODY, RECEIVED + 60_000, 3)).written).toMatchObject({ fundamentals: 0 }); // older than the stored row
    await write(BODY, RECEIVED + 86_400_000, 4);
    const { rows } = await db.pool.query(`SELECT to_char(as_of_date, 'YYYY-MM-DD') AS day, high_52, low_52 FROM fundamentals WHERE symbol = 'AAPL' ORDER BY as_of_date`);
    expect(rows).toEqual([{ day: '2024-08-27', high_52: 240, low_52: null }, { day: '2024-08-28', high_52: 237.23, low_52: 164.075 }]);
    expect(Number((await db.pool.query('SELECT count(*) FROM fundamentals')).rows[0].count)).toBe(6);
  });
});
