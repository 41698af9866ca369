import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { redactRestBody } from '../../src/capture/redact-rest.js';
import { isRecorderError } from '../../src/errors.js';
import { accountNumbersSchema, accountsSchema } from '../../src/schwab/schemas/accounts.js';
import { expirationChainSchema, optionChainSchema } from '../../src/schwab/schemas/chains.js';
import { marketsSchema } from '../../src/schwab/schemas/markets.js';
import { ordersSchema } from '../../src/schwab/schemas/orders.js';
import { SchwabBodyInvalidError, formatPath, parseBody } from '../../src/schwab/schemas/parse.js';
import { priceHistorySchema } from '../../src/schwab/schemas/price-history.js';
import { quotesSchema } from '../../src/schwab/schemas/quotes.js';
import { transactionsSchema } from '../../src/schwab/schemas/transactions.js';
import { userPreferenceSchema } from '../../src/schwab/schemas/user-preference.js';

function sample(file: string): unknown {
  return JSON.parse(readFileSync(new URL(`../fixtures/samples/${file}`, import.meta.url), 'utf8'));
}

/** A deep copy to mutate. */
function copy<T>(value: T): T {
  return structuredClone(value);
}

function invalid(endpoint: string, schema: z.ZodType, body: unknown): SchwabBodyInvalidError {
  try {
    parseBody(endpoint, schema, body);
  } catch (error) {
    if (error instanceof SchwabBodyInvalidError) return error;
    throw error;
  }
  throw new Error('the body parsed');
}

const SAMPLES: ReadonlyArray<[string, string, z.ZodType]> = [
  ['rest-userpreference.json', 'userPreference', userPreferenceSchema],
  ['rest-accountnumbers-redacted.json', 'accountNumbers', accountNumbersSchema],
  ['rest-accounts.json', 'accounts', accountsSchema],
  ['rest-orders.json', 'orders', ordersSchema],
  ['rest-transactions.json', 'transactions', transactionsSchema],
  ['rest-pricehistory-AAPL-monthly-2024.json', 'priceHistory', priceHistorySchema],
  ['rest-chains-AAPL-2024-10-18-truncated.json', 'chains', optionChainSchema],
  ['rest-expirationchain-AAPL-2024-05-17.json', 'expirationChain', expirationChainSchema],
  ['rest-quotes-multi-asset-2024-05.json', 'quotes', quotesSchema],
  ['rest-markets-equity-option-2024-10-18.json', 'markets', marketsSchema],
];

describe('REST schemas', () => {
  it.each(SAMPLES)('parse the real capture %s and keep every field of it', (file, endpoint, schema) => {
    const body = sample(file);
    expect(parseBody(endpoint, schema, body)).toEqual(body);
  });

  it.each(SAMPLES)('parse %s once account numbers are masked, as recordings hold it', (file, endpoint, schema) => {
    const body = redactRestBody(sample(file));
    expect(parseBody(endpoint, schema, body)).toEqual(body);
  });

  it('keep fields Schwab adds later', () => {
    const orders = copy(sample('rest-orders.json')) as Array<Record<string, unknown>>;
    orders[0]!['brandNewField'] = { nested: [1, 2] };
    const parsed = parseBody('orders', ordersSchema, orders);
    expect(parsed[0]).toMatchObject({ brandNewField: { nested: [1, 2] } });
  });

  it('accept an enum value Schwab adds later (enums are open strings)', () => {
    const orders = copy(sample('rest-orders.json')) as Array<Record<string, unknown>>;
    orders[0]!['status'] = 'SOME_FUTURE_STATUS';
    orders[0]!['orderType'] = 'NEW_KIND';
    expect(parseBody('orders', ordersSchema, orders)[0]?.status).toBe('SOME_FUTURE_STATUS');
  });

  it('accept the known type traps of real traffic', () => {
    const orders = sample('rest-orders.json') as Array<Record<string, unknown>>;
    expect(typeof orders[0]!['accountNumber']).toBe('number');
    const executionTypes = parseBody('orders', ordersSchema, orders)
      .flatMap((order) => order.orderActivityCollection ?? []).map((activity) => activity.executionType);
    expect(executionTypes).toContain('CANCELED');

    const transactions = parseBody('transactions', transactionsSchema, sample('rest-transactions.json'));
    expect(transactions.every((row) => row.user === undefined && typeof row.accountNumber === 'string')).toBe(true);

    const preference = parseBody('userPreference', userPreferenceSchema, sample('rest-userpreference.json'));
    expect(preference.streamerInfo[0]?.streamerSocketUrl).toBe('wss://streamer-api.schwab.com/ws');
  });

  it('accept NaN greeks, which Schwab sends as strings', () => {
    const chain = copy(sample('rest-chains-AAPL-2024-10-18-truncated.json')) as { callExpDateMap: Record<string, Record<string, Array<Record<string, unknown>>>> };
    chain.callExpDateMap['2024-10-18:0']!['5.0']![0]!['delta'] = 'NaN';
    expect(() => parseBody('chains', optionChainSchema, chain)).not.toThrow();
  });

  it('reject a changed type with SCHWAB_BODY_INVALID naming the endpoint and the path, not the value', () => {
    const orders = copy(sample('rest-orders.json')) as Array<{ orderLegCollection: Array<Record<string, unknown>> }>;
    orders[3]!.orderLegCollection[0]!['quantity'] = 'ten-thousand-shares';
    const error = invalid('orders', ordersSchema, orders);
    expect(isRecorderError(error, 'SCHWAB_BODY_INVALID')).toBe(true);
    expect(error.paths).toEqual(['[3].orderLegCollection[0].quantity']);
    expect(error.message).toContain('Schwab orders response');
    expect(error.message).toContain('[3].orderLegCollection[0].quantity');
    expect(error.message).not.toContain('ten-thousand-shares');
  });

  it('name map keys of a chain in the path', () => {
    const chain = copy(sample('rest-chains-AAPL-2024-10-18-truncated.json')) as { callExpDateMap: Record<string, Record<string, Array<Record<string, unknown>>>> };
    chain.callExpDateMap['2024-10-18:0']!['10.0']![0]!['strikePrice'] = '10';
    expect(invalid('chains', optionChainSchema, chain).paths).toEqual(['callExpDateMap["2024-10-18:0"]["10.0"][0].strikePrice']);
  });

  it('reject userPreference as the array the portal documents: real responses are an object', () => {
    const error = invalid('userPreference', userPreferenceSchema, [sample('rest-userpreference.json')]);
    expect(error.paths).toEqual(['(root)']);
  });

  it('reject a missing identity field', () => {
    const transactions = copy(sample('rest-transactions.json')) as Array<Record<string, unknown>>;
    delete transactions[5]!['activityId'];
    expect(invalid('transactions', transactionsSchema, transactions).paths).toEqual(['[5].activityId']);
  });

  it('format paths like property accesses', () => {
    expect(formatPath([])).toBe('(root)');
    expect(formatPath([0, 'a', 'b-c', 2])).toBe('[0].a["b-c"][2]');
    expect(formatPath(['putExpDateMap', '2024-10-18:0'])).toBe('putExpDateMap["2024-10-18:0"]');
  });
});
