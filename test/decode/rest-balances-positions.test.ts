// account_balances and positions rows of /trader/v1/accounts bodies (issue 14 item 1), over real captures: the CASH
// and MARGIN accounts of ZW Accounts_real.json (../fixtures/samples) and the positions of
// ../fixtures/captures/rest-account-positions.jsonl (SOURCES.md there). Every stored column is asserted.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { redactRestBody } from '../../src/capture/redact-rest.js';
import { decodeRestBody } from '../../src/decode/rest/router.js';
import { namedRow, TABLES, type JsonValue, type NamedRow } from '../../src/decode/tables.js';
import type { RestDecodeResult } from '../../src/decode/rest/types.js';

const RECEIVED = Date.parse('2024-11-27T15:00:00Z');
const HASH = 'E5B9D6C1A0F3E2D4C5B6A7980F1E2D3C4B5A69788796A5B4C3D2E1F0A9B8C7D6';
const accounts = redactRestBody(JSON.parse(readFileSync(new URL('../fixtures/samples/rest-accounts.json', import.meta.url), 'utf8'))) as Record<string, Record<string, JsonValue>>[];
const captures = readFileSync(new URL('../fixtures/captures/rest-account-positions.jsonl', import.meta.url), 'utf8')
  .trim().split('\n').map((line) => JSON.parse(line) as { [key: string]: JsonValue });

function decode(body: unknown, path: string): RestDecodeResult {
  const result = decodeRestBody(body, { path, receivedAt: RECEIVED });
  if (result === null) throw new Error(`no decoder for ${path}`);
  return result;
}
const rowsOf = (result: RestDecodeResult, table: 'account_balances' | 'positions'): NamedRow[] =>
  result.rows.filter((r) => r.table === table).map((r) => namedRow(table, r.row));

/** Every column NULL but the ones given: what a row holds when its body says nothing else. */
function nullsBut(table: 'account_balances' | 'positions', values: NamedRow): NamedRow {
  return { ...Object.fromEntries(TABLES[table].columns.map((c) => [c.name, null])), ...values };
}

describe('account_balances rows', () => {
  it('stores every currentBalances field of the real CASH account, the others NULL, keyed by the hash of the path', () => {
    const result = decode(accounts[0], `/trader/v1/accounts/${HASH}?fields=positions`);
    expect(result.rejects).toEqual([]);
    expect(rowsOf(result, 'account_balances')).toStrictEqual([nullsBut('account_balances', {
      snapshot_time: RECEIVED, account_hash: HASH, account_display: '...678', account_type: 'CASH', round_trips: 0,
      is_day_trader: false, is_closing_only_restricted: false, pfcb_flag: false,
      accrued_interest: 0, cash_balance: 12.34, cash_receipts: 0, long_option_market_value: 0, liquidation_value: 12.34,
      long_market_value: 12.34, money_market_fund: 0, savings: 0, short_market_value: 0, pending_deposits: 0,
      mutual_fund_value: 0, bond_value: 0, short_option_market_value: 0, cash_available_for_trading: 12.34,
      cash_available_for_withdrawal: 12.34, cash_call: 0, long_non_marginable_market_value: 12.34, total_cash: 12.34,
      cash_debit_call_value: 0, unsettled_cash: 0,
      initial_balances: accounts[0]!.securitiesAccount!.initialBalances!,
      projected_balances: { cashAvailableForTrading: 12.34, cashAvailableForWithdrawal: 12.34 },
    })]);
    expect(rowsOf(result, 'positions')).toEqual([]);
  });

  it('stores every currentBalances field of the real MARGIN account (no liquidationValue in it: NULL)', () => {
    const result = decode(accounts[1], `/trader/v1/accounts/${HASH}`);
    expect(result.rejects).toEqual([]);
    expect(rowsOf(result, 'account_balances')).toStrictEqual([nullsBut('account_balances', {
      snapshot_time: RECEIVED, account_hash: HASH, account_display: '...678', account_type: 'MARGIN', round_trips: 0,
      is_day_trader: false, is_closing_only_restricted: false, pfcb_flag: false,
      available_funds: 4596, available_funds_non_marginable_trade: 4596, buying_power: 9192,
      buying_power_non_marginable_trade: 4596, day_trading_buying_power: 19434, equity: 5136.16, equity_percentage: 100,
      long_margin_value: 1066.4, maintenance_call: 0, maintenance_requirement: 319.92, margin_balance: 0, reg_t_call: 0,
      short_balance: 0, short_margin_value: 0, sma: 4596,
      initial_balances: accounts[1]!.securitiesAccount!.initialBalances!,
      projected_balances: accounts[1]!.securitiesAccount!.projectedBalances!,
    })]);
  });

  it('keeps a currentBalances key without a column, and the aggregated balance; the /accounts list has no hash', () => {
    const body = structuredClone(accounts);
    (body[1]!.securitiesAccount!.currentBalances as Record<string, unknown>).newKey = 1.5;
    body[1]!.aggregatedBalance = { currentLiquidationValue: 5136.16, liquidationValue: 5136.16 };
    const rows = rowsOf(decode(body, '/trader/v1/accounts?fields=positions'), 'account_balances');
    expect(rows.map((r) => [r.account_hash, r.account_display, r.account_type])).toEqual([[null, '...678', 'CASH'], [null, '...678', 'MARGIN']]);
    expect(rows[1]).toMatchObject({ current_balances_other: { newKey: 1.5 }, aggregated_current_liquidation_value: 5136.16, aggregated_liquidation_value: 5136.16 });
  });

  it('never stores an account number: an unmasked one becomes "...678"', () => {
    const body = structuredClone(accounts[0]!);
    body.securitiesAccount!.accountNumber = '12345678';
    const [row] = rowsOf(decode(body, `/trader/v1/accounts/${HASH}`), 'account_balances');
    expect(row?.account_display).toBe('...678');
    expect(JSON.stringify(row)).not.toContain('12345678');
  });
});

describe('positions rows', () => {
  const [etf, fund, equity, optionInstrument, sweep] = captures as [JsonValue, JsonValue, { [key: string]: JsonValue }, JsonValue, JsonValue];
  const option = { ...equity, instrument: optionInstrument };
  const body = structuredClone(accounts[1]!);
  body.securitiesAccount!.positions = [etf, fund, equity, option, sweep];
  const result = decode(body, `/trader/v1/accounts/${HASH}?fields=positions`);
  const rows = rowsOf(result, 'positions');
  const key = { snapshot_time: RECEIVED, account_hash: HASH, account_display: '...678' };

  it('makes one row per position, in body order, with no reject', () => {
    expect(result.rejects).toEqual([]);
    expect(rows.map((r) => [r.position_index, r.symbol, r.asset_type])).toEqual([
      [0, 'GDX', 'COLLECTIVE_INVESTMENT'], [1, 'NHFIX', 'MUTUAL_FUND'], [2, 'CLS', 'EQUITY'],
      [3, 'INTC  250516C00024500', 'OPTION'], [4, 'MMDA1', 'CASH_EQUIVALENT'],
    ]);
  });

  it('stores every field of the real ETF position', () => {
    expect(rows[0]).toStrictEqual(nullsBut('positions', {
      ...key, position_index: 0, symbol: 'GDX', asset_type: 'COLLECTIVE_INVESTMENT', cusip: '92189F106', description: 'VanEck Gold Miners ETF',
      long_quantity: 61.5854, short_quantity: 0, average_price: 40.851890220734, average_long_price: 41.512245458664,
      tax_lot_average_long_price: 40.851890220734, market_value: 2899.44, current_day_profit_loss: -7.390248,
      current_day_profit_loss_percentage: -0.25, current_day_cost: 0, long_open_profit_loss: 383.560632000008,
      maintenance_requirement: 0, settled_long_quantity: 61.5854, settled_short_quantity: 0, previous_session_long_quantity: 61.5854,
      instrument: { type: 'EXCHANGE_TRADED_FUND' },
    }));
  });

  it('stores every field of the real mutual fund position, agedQuantity and the instrument\'s netChange included', () => {
    expect(rows[1]).toStrictEqual(nullsBut('positions', {
      ...key, position_index: 1, symbol: 'NHFIX', asset_type: 'MUTUAL_FUND', cusip: '665162699', description: 'Northern High Yield Fixed Income',
      long_quantity: 463.839, short_quantity: 0, average_price: 6.659616806694, average_long_price: 6.658004609783,
      tax_lot_average_long_price: 6.659616806694, market_value: 2764.48, current_day_profit_loss: 4.63839,
      current_day_profit_loss_percentage: 0.17, current_day_cost: 0, long_open_profit_loss: -324.509560000138,
      maintenance_requirement: 0, settled_long_quantity: 463.839, settled_short_quantity: 0, aged_quantity: 0,
      previous_session_long_quantity: 463.839, instrument: { netChange: 0.01, type: 'NO_LOAD_TAXABLE' },
    }));
  });

  it('stores every field of the real equity position (no description: NULL)', () => {
    expect(rows[2]).toStrictEqual(nullsBut('positions', {
      ...key, position_index: 2, symbol: 'CLS', asset_type: 'EQUITY', cusip: '15101Q207',
      long_quantity: 8, short_quantity: 0, average_price: 91.805, average_long_price: 91.805, tax_lot_average_long_price: 91.805,
      market_value: 752.56, current_day_profit_loss: 38.88, current_day_profit_loss_percentage: 5.45, current_day_cost: 0,
      long_open_profit_loss: 18.12, maintenance_requirement: 0, settled_long_quantity: 8, settled_short_quantity: 0,
      previous_session_long_quantity: 8, instrument: { netChange: 5.28 },
    }));
  });

  it('keeps the option\'s space-padded symbol and its put/call and underlying in instrument', () => {
    expect(rows[3]).toMatchObject({
      symbol: 'INTC  250516C00024500', cusip: '0INTC.EG50024500', description: 'INTEL CORP 05/16/2025 $24.5 Call',
      instrument: { netChange: -0.0046, type: 'VANILLA', putCall: 'CALL', underlyingSymbol: 'INTC' },
    });
  });

  it('stores the cash sweep position, without a maintenance requirement', () => {
    expect(rows[4]).toStrictEqual(nullsBut('positions', {
      ...key, position_index: 4, symbol: 'MMDA1', asset_type: 'CASH_EQUIVALENT', cusip: '9ZZZFD104',
      description: 'FDIC INSURED DEPOSIT ACCOUNT CORE NOT COVERED BY SIPC', long_quantity: 41233.68, short_quantity: 0,
      average_price: 1, market_value: 41233.68, current_day_profit_loss: 0, current_day_profit_loss_percentage: 0,
      settled_long_quantity: 41233.68, settled_short_quantity: 0, instrument: { type: 'MONEY_MARKET_FUND' },
    }));
  });

  it('rejects an account whose positions do not match the account schema: no balances or positions from it', () => {
    const bad = structuredClone(accounts[1]!);
    bad.securitiesAccount!.positions = [etf, 'nonsense'];
    const decoded = decode(bad, `/trader/v1/accounts/${HASH}`);
    expect(decoded.rows).toEqual([]);
    expect(decoded.rejects).toEqual([{ table: 'accounts', reason: expect.stringMatching(/^account body does not match its schema: securitiesAccount\.positions/), raw: expect.any(String) }]);
  });
});
