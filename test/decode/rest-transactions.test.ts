import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { redactRestBody } from '../../src/capture/redact-rest.js';
import type { SymbolsSnapshot } from '../../src/decode/rest/quotes.js';
import { decodeTransactions, type TransactionEntry, type TransactionsSnapshot } from '../../src/decode/rest/transactions.js';
import type { RestDecodeResult } from '../../src/decode/rest/types.js';

// The file as captured: one instrument repeats its "assetType" key, which JSON.parse settles (the last wins).
const TEXT = readFileSync(new URL('../fixtures/samples/rest-transactions.json', import.meta.url), 'utf8');
const TRANSACTIONS = redactRestBody(JSON.parse(TEXT)) as Array<Record<string, unknown>>;
const HASH = 'E5B9D6C1A0F3E2D4C5B6A7980F1E2D3C4B5A69788796A5B4C3D2E1F0A9B8C7D6';
const PATH = `/trader/v1/accounts/${HASH}/transactions?startDate=2024-01-01T00:00:00.000Z&endDate=2024-05-25T00:00:00.000Z&types=TRADE`;
const RECEIVED = Date.parse('2024-05-25T12:00:00Z');
const at = (iso: string): number => Date.parse(iso);

const decode = (body: unknown, path = PATH): RestDecodeResult => decodeTransactions(body, { path, receivedAt: RECEIVED });
function entriesOf(result: RestDecodeResult): TransactionEntry[] {
  const snapshot = result.snapshots.find((s) => s.kind === 'transactions');
  if (snapshot === undefined) throw new Error('no transactions snapshot');
  return (snapshot.data as TransactionsSnapshot).transactions;
}
const find = (predicate: (t: Record<string, unknown>) => boolean): Record<string, unknown> => {
  const found = TRANSACTIONS.find(predicate);
  if (found === undefined) throw new Error('no such transaction in the sample');
  return found;
};

const USD = {
  instrument_cusip: null, instrument_symbol: 'CURRENCY_USD', instrument_description: 'USD currency', instrument_id: 1,
  instrument_type: 'CURRENCY', instrument_net_change: null,
};

describe('decodeTransactions', () => {
  it('decodes all 122 real transactions, the one with a duplicated JSON key included', () => {
    expect(TEXT.match(/"assetType": "COLLECTIVE_INVESTMENT",\s*"assetType"/)).not.toBeNull();
    const result = decode(TRANSACTIONS);
    expect(result.rejects).toEqual([]);
    expect(result.rows).toEqual([]);
    const entries = entriesOf(result);
    expect(entries).toHaveLength(122);
    expect(entries.reduce((n, e) => n + e.items.length, 0)).toBe(174);
  });

  it('fills every column of a TRADE, its order link and its fee items (each fee its own CURRENCY_USD item)', () => {
    const trade = find((t) => t['type'] === 'TRADE' && t['time'] === '2024-03-21T12:40:17+0000');
    const [entry] = entriesOf(decode([trade]));
    expect(entry!.transaction).toStrictEqual({
      schwab_activity_id: 12345678910, transaction_time: at('2024-03-21T12:40:17Z'),
      account_hash: HASH, account_display: '...678', schwab_order_id: 12345678910,
      trade_date: '2024-03-21', settlement_date: null, description: null,
      transaction_type: 'TRADE', activity_type: null, status: 'VALID', sub_account: 'CASH', net_amount: -12.34, position_id: 12345678,
      user_cd_domain_id: null, user_login: null, user_type: null, user_id: null, user_system_name: null,
      user_first_name: null, user_last_name: null, broker_rep_code: null,
      observed_at: RECEIVED,
    });
    const key = { schwab_activity_id: 12345678910, transaction_time: at('2024-03-21T12:40:17Z') };
    const fee = (index: number, feeType: string) => ({
      ...key, item_index: index, amount: 0, cost: 0, price: null, position_effect: null, fee_type: feeType, ...USD,
    });
    expect(entry!.items).toStrictEqual([
      fee(0, 'COMMISSION'), fee(1, 'SEC_FEE'), fee(2, 'OPT_REG_FEE'), fee(3, 'TAF_FEE'),
      {
        ...key, item_index: 4, amount: 237, cost: -12.34, price: 48.9885, position_effect: 'OPENING', fee_type: null,
        instrument_cusip: null, instrument_symbol: 'BNDX', instrument_description: 'VANGUARD TOTAL INTERNATIONAL BND ETF',
        instrument_id: 3148252, instrument_type: 'COLLECTIVE_INVESTMENT', instrument_net_change: null,
      },
    ]);
  });

  it('fills a DIVIDEND_OR_INTEREST with its description, settlement date and cash item', () => {
    const dividend = find((t) => t['type'] === 'DIVIDEND_OR_INTEREST' && t['time'] === '2024-05-06T15:55:14+0000');
    const [entry] = entriesOf(decode([dividend]));
    expect(entry!.transaction).toMatchObject({
      transaction_type: 'DIVIDEND_OR_INTEREST', description: 'Ordinary Dividend~BND', net_amount: 12.34,
      // Midnight Eastern as Schwab stamps it (04:00Z): the date is the one written, not shifted through a zone.
      trade_date: '2024-05-06', settlement_date: '2024-05-06', schwab_order_id: null, position_id: null, sub_account: 'CASH',
    });
    expect(entry!.items).toStrictEqual([{
      schwab_activity_id: 12345678910, transaction_time: at('2024-05-06T15:55:14Z'), item_index: 0,
      amount: 12.34, cost: 0, price: 0, position_effect: null, fee_type: null, ...USD,
    }]);
  });

  it('fills the user columns when a body has the spec\'s user object', () => {
    const withUser = {
      ...TRANSACTIONS[0], user: {
        cdDomainId: 'A000000012345678', login: 'jdoe', type: 'CLIENT_USER', userId: 98765, systemUserName: 'SYS',
        firstName: 'Jane', lastName: 'Doe', brokerRepCode: 'R12',
      },
    };
    expect(entriesOf(decode([withUser]))[0]!.transaction).toMatchObject({
      user_cd_domain_id: 'A000000012345678', user_login: 'jdoe', user_type: 'CLIENT_USER', user_id: 98765,
      user_system_name: 'SYS', user_first_name: 'Jane', user_last_name: 'Doe', broker_rep_code: 'R12',
    });
  });

  it('rejects a transaction without a usable time (its partition key) and decodes the others', () => {
    const result = decode([{ ...TRANSACTIONS[0], time: 'yesterday' }, TRANSACTIONS[1], { ...TRANSACTIONS[2], activityId: null }]);
    expect(result.rejects.map((r) => r.reason)).toEqual([
      'transaction time is not a timestamp: it has no key',
      expect.stringMatching(/^transaction does not match its schema: activityId: /),
    ]);
    expect(entriesOf(result)).toHaveLength(1);
  });

  it('decodes the single transaction of GET .../transactions/{activityId}', () => {
    expect(entriesOf(decode(TRANSACTIONS[0], `/trader/v1/accounts/${HASH}/transactions/12345678910`))).toHaveLength(1);
  });

  it('names the securities of the items as symbols, and not the cash', () => {
    const symbols = decode(TRANSACTIONS).snapshots.find((s) => s.kind === 'symbols')?.data as SymbolsSnapshot;
    const names = new Set(symbols.symbols.map((s) => s.symbol));
    expect(names.has('BND')).toBe(true);
    expect(names.has('CURRENCY_USD')).toBe(false);
    expect(symbols.symbols.every((s) => !s.authoritative)).toBe(true);
  });
});
