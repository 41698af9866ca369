import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { redactRestBody } from '../../src/capture/redact-rest.js';

function sample(file: string): unknown {
  return JSON.parse(readFileSync(new URL(`../fixtures/samples/${file}`, import.meta.url), 'utf8'));
}

describe('redactRestBody', () => {
  it('masks string account numbers to their last three characters and keeps hashValue', () => {
    expect(redactRestBody([{ accountNumber: '12345678', hashValue: 'ABCDEF0123' }]))
      .toEqual([{ accountNumber: '...678', hashValue: 'ABCDEF0123' }]);
  });

  it('masks the numeric account numbers of orders', () => {
    const orders = redactRestBody(sample('rest-orders.json')) as Array<Record<string, unknown>>;
    expect(orders.every((order) => order['accountNumber'] === '...678')).toBe(true);
  });

  it('masks userPreference accounts[].accountNumber and leaves displayAcctId', () => {
    const preference = redactRestBody(sample('rest-userpreference.json')) as { accounts: Array<Record<string, unknown>> };
    expect(preference.accounts[0]).toMatchObject({ accountNumber: '...678', displayAcctId: '...123' });
  });

  it('masks account numbers at any depth and leaves no plain one in any sample', () => {
    expect(redactRestBody({ a: [{ b: { accountNumber: 87654321 } }] })).toEqual({ a: [{ b: { accountNumber: '...321' } }] });
    for (const file of ['rest-accounts.json', 'rest-orders.json', 'rest-transactions.json', 'rest-userpreference.json']) {
      expect(JSON.stringify(redactRestBody(sample(file)))).not.toMatch(/"accountNumber":\s*(\d|"\d{4,})/);
    }
  });

  it('walks 1000 levels and replaces what is nested deeper whole, even 200,000 levels deep', () => {
    const nested = (levels: number) => JSON.parse(`${'['.repeat(levels)}{"accountNumber":"12345678"}${']'.repeat(levels)}`) as unknown;
    expect(JSON.stringify(redactRestBody(nested(999))))
      .toBe(`${'['.repeat(999)}{"accountNumber":"...678"}${']'.repeat(999)}`);
    expect(JSON.stringify(redactRestBody(nested(200_000))))
      .toBe(`${'['.repeat(1000)}"[redacted: nested too deep to mask]"${']'.repeat(1000)}`);
  });

  it('keeps a "__proto__" key as a plain key', () => {
    const body = JSON.parse('{"__proto__":{"accountNumber":"12345678"}}') as unknown;
    expect(JSON.stringify(redactRestBody(body))).toBe('{"__proto__":{"accountNumber":"...678"}}');
  });

  it('does not change the body it is given and is idempotent', () => {
    const body = { accountNumber: '12345678' };
    const once = redactRestBody(body);
    expect(body.accountNumber).toBe('12345678');
    expect(redactRestBody(once)).toEqual(once);
  });
});
