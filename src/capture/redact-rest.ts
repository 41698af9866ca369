// Account numbers never reach a recording (design.md §3.5). REST bodies carry them under `accountNumber` — a string
// in accounts, transactions and userPreference `accounts[]`, a number in orders. `hashValue` stays: every account
// path uses it and it reveals nothing by itself.
//
// The body comes off the wire, so it is walked with an explicit stack, not recursion, and only MAX_DEPTH levels
// deep: an object or array nested deeper is replaced whole by TOO_DEEP (what is not walked could hold an account
// number). Real bodies are under 10 levels deep.

import { maskAccountNumber, MAX_DEPTH, TOO_DEEP } from '../schwab/account-mask.js';

const ACCOUNT_NUMBER_KEY = 'accountNumber';

type Container = Record<string, unknown> | unknown[];

/**
 * A deep copy of `body` with the value of every `accountNumber` key, at any depth, masked the way Schwab shows
 * accounts (`displayAcctId`): "12345678" → "...678". Masking a masked value changes nothing.
 */
export function redactRestBody(body: unknown): unknown {
  const root: unknown[] = [body];
  const pending: Array<{ parent: Container; key: string; depth: number }> = [{ parent: root, key: '0', depth: 0 }];
  for (let slot = pending.pop(); slot !== undefined; slot = pending.pop()) {
    const { parent, key, depth } = slot;
    const value = (parent as Record<string, unknown>)[key];
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_DEPTH) {
      (parent as Record<string, unknown>)[key] = TOO_DEEP;
      continue;
    }
    // Spread copies own keys as own properties, so a "__proto__" key stays a plain key of the copy.
    const copy: Container = Array.isArray(value) ? [...value] : { ...value };
    (parent as Record<string, unknown>)[key] = copy;
    for (const [name, child] of Object.entries(copy)) {
      if (!Array.isArray(copy) && name === ACCOUNT_NUMBER_KEY && (typeof child === 'string' || typeof child === 'number')) {
        copy[name] = maskAccountNumber(child);
      } else {
        pending.push({ parent: copy, key: name, depth: depth + 1 });
      }
    }
  }
  return root[0];
}
