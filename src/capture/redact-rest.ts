// Account numbers never reach a recording (design.md §3.5). REST bodies carry them under `accountNumber` — a string
// in accounts, transactions and userPreference `accounts[]`, a number in orders. `hashValue` stays: every account
// path uses it and it reveals nothing by itself.

import { maskAccountNumber } from '../schwab/account-mask.js';

const ACCOUNT_NUMBER_KEY = 'accountNumber';

/**
 * A deep copy of `body` with the value of every `accountNumber` key, at any depth, masked the way Schwab shows
 * accounts (`displayAcctId`): "12345678" → "...678". Masking a masked value changes nothing.
 */
export function redactRestBody(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(redactRestBody);
  if (body === null || typeof body !== 'object') return body;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    copy[key] = key === ACCOUNT_NUMBER_KEY && (typeof value === 'string' || typeof value === 'number')
      ? maskAccountNumber(value)
      : redactRestBody(value);
  }
  return copy;
}
