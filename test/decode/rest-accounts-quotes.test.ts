import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { redactRestBody } from '../../src/capture/redact-rest.js';
import { decodeAccountNumbers, decodeAccounts, type AccountsSnapshot } from '../../src/decode/rest/accounts.js';
import { decodeQuotes, type SymbolsSnapshot } from '../../src/decode/rest/quotes.js';
import type { RestDecodeResult } from '../../src/decode/rest/types.js';

const sample = (file: string): unknown => redactRestBody(JSON.parse(readFileSync(new URL(`../fixtures/samples/${file}`, import.meta.url), 'utf8')));
const RECEIVED = Date.parse('2024-11-27T15:00:00Z');
const HASH = 'E5B9D6C1A0F3E2D4C5B6A7980F1E2D3C4B5A69788796A5B4C3D2E1F0A9B8C7D6';

function dataOf<T>(result: RestDecodeResult, kind: string): T | undefined {
  return result.snapshots.find((s) => s.kind === kind)?.data as T | undefined;
}

describe('decodeAccountNumbers', () => {
  it('keys each account by its hashValue and shows it by its masked number (account_number is never known)', () => {
    const result = decodeAccountNumbers(sample('rest-accountnumbers-redacted.json'), { path: '/trader/v1/accounts/accountNumbers', receivedAt: RECEIVED });
    expect(result.rejects).toEqual([]);
    expect(dataOf<AccountsSnapshot>(result, 'accounts')).toStrictEqual({
      complete: true,
      accounts: [{ account_hash: 'X'.repeat(64), display_name: '...XXX', account_type: null, observed_at: RECEIVED }],
    });
  });

  it('rejects a body that is not a list of accounts', () => {
    const result = decodeAccountNumbers({ message: 'Invalid' }, { path: '/trader/v1/accounts/accountNumbers', receivedAt: RECEIVED });
    expect(result.rejects).toHaveLength(1);
    expect(result.snapshots).toEqual([]);
  });
});

describe('decodeAccounts', () => {
  const accounts = sample('rest-accounts.json') as unknown[];

  it('takes the account type of /accounts/{hash}, keyed by the hash of the path', () => {
    const result = decodeAccounts(accounts[1], { path: `/trader/v1/accounts/${HASH}?fields=positions`, receivedAt: RECEIVED });
    expect(result.rejects).toEqual([]);
    expect(dataOf<AccountsSnapshot>(result, 'accounts')).toStrictEqual({
      complete: false,
      accounts: [{ account_hash: HASH, display_name: '...678', account_type: 'MARGIN', observed_at: RECEIVED }],
    });
  });

  it('adds no account from the /accounts listing, whose bodies carry no hash, but keeps the positions\' symbols', () => {
    const withPosition = [{ securitiesAccount: { type: 'CASH', accountNumber: '...678', positions: [{ longQuantity: 3, instrument: { assetType: 'EQUITY', symbol: 'AAPL', cusip: '037833100', description: 'APPLE INC' } }] } }];
    const result = decodeAccounts([...accounts, ...withPosition], { path: '/trader/v1/accounts?fields=positions', receivedAt: RECEIVED });
    expect(result.rejects).toEqual([]);
    expect(dataOf(result, 'accounts')).toBeUndefined();
    expect(dataOf<SymbolsSnapshot>(result, 'symbols')?.symbols).toEqual([
      { symbol: 'AAPL', company_name: null, description: 'APPLE INC', asset_type: 'EQUITY', exchange: null, authoritative: false, observed_at: RECEIVED },
    ]);
  });
});

describe('decodeQuotes', () => {
  it('makes a symbols row of every quote of the real multi-asset body, each asset type as Schwab names it', () => {
    const result = decodeQuotes(sample('rest-quotes-multi-asset-2024-05.json'), { path: '/marketdata/v1/quotes?symbols=AAPL', receivedAt: RECEIVED });
    expect(result.rejects).toEqual([]);
    const rows = dataOf<SymbolsSnapshot>(result, 'symbols')?.symbols ?? [];
    const row = (symbol: string) => rows.find((r) => r.symbol === symbol);
    expect(rows).toHaveLength(6);
    expect(row('AAPL')).toStrictEqual({
      symbol: 'AAPL', company_name: 'Apple Inc', description: 'Apple Inc', asset_type: 'EQUITY', exchange: 'NASDAQ',
      authoritative: true, observed_at: RECEIVED,
    });
    expect(row('AAPL  240517C00100000')).toMatchObject({ asset_type: 'OPTION', description: 'AAPL 05/17/2024 100.00 C', exchange: 'OPR', company_name: null });
    expect(row('AAAIX')).toMatchObject({ asset_type: 'MUTUAL_FUND', exchange: 'Mutual Fund' });
    expect(row('$SPX')).toMatchObject({ asset_type: 'INDEX', exchange: 'Index' });
    expect(row('/ESZ24')).toMatchObject({ asset_type: 'FUTURE', exchange: 'XCME' });
    expect(row('EUR/USD')).toMatchObject({ asset_type: 'FOREX', exchange: 'GFT' });
  });

  it('ignores the errors block and rejects a quote that does not match its schema', () => {
    const result = decodeQuotes({ errors: { invalidSymbols: ['NOPE'] }, BAD: { symbol: 'BAD' } }, { path: '/marketdata/v1/quotes', receivedAt: RECEIVED });
    expect(result.rejects).toEqual([{ table: 'symbols', reason: expect.stringMatching(/^quote of "BAD" does not match its schema: assetMainType/), raw: '{"symbol":"BAD"}' }]);
    expect(result.snapshots).toEqual([]);
  });
});
