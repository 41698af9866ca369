// GET /trader/v1/accounts/accountNumbers, /trader/v1/accounts and /trader/v1/accounts/{hash} bodies → an 'accounts'
// snapshot (schwab-protocol.md §6.1), plus the instruments of positions as symbols.
//
// Account numbers are masked ("...678") before a body is recorded (capture/redact-rest.ts), so accounts.account_number
// stays NULL: the masked number is the display name, the hashValue the key. An account body carries no hash of its
// own: only `/accounts/{hash}` says which account it is; the list `/accounts` adds no account rows.
// Every account of a body also becomes an account_balances row and its positions positions rows (balances.ts,
// positions.ts): a snapshot as of the body's receive time, keyed by the path's hash (NULL for the list).
import { jsonExcerpt } from '../json-text.js';
import { accountNumbersSchema, accountSchema, type Account } from '../../schwab/schemas/accounts.js';
import { balanceRow } from './balances.js';
import { positionRows } from './positions.js';
import { symbolsSnapshot, type SymbolRow } from './quotes.js';
import { accountDisplay, accountHashOf, describeIssues, instrumentSymbol, text } from './trader.js';
import { emptyResult, type RestDecoder } from './types.js';

export interface AccountRow {
  account_hash: string;
  display_name: string | null;
  /** CASH, MARGIN; null when the body does not say (accountNumbers, an orders path): the stored type stays. */
  account_type: string | null;
  observed_at: number;
}

export interface AccountsSnapshot {
  accounts: AccountRow[];
  /**
   * The body lists every linked account (accountNumbers): a stored account missing from it is no longer linked
   * and is marked is_active = false.
   */
  complete: boolean;
}

export const decodeAccountNumbers: RestDecoder = (body, context) => {
  const result = emptyResult();
  const parsed = accountNumbersSchema.safeParse(body);
  if (!parsed.success) {
    result.rejects.push({ table: 'accounts', reason: `accountNumbers body does not match its schema: ${describeIssues(parsed.error)}`, raw: jsonExcerpt(body) });
    return result;
  }
  const accounts: AccountRow[] = [];
  for (const entry of parsed.data) {
    const hash = text(entry.hashValue);
    if (hash === null || hash === '') {
      result.rejects.push({ table: 'accounts', reason: 'account without a hashValue', raw: jsonExcerpt(entry) });
      continue;
    }
    accounts.push({ account_hash: hash, display_name: accountDisplay(entry.accountNumber), account_type: null, observed_at: context.receivedAt });
  }
  result.snapshots.push({ kind: 'accounts', data: { accounts, complete: true } satisfies AccountsSnapshot });
  return result;
};

/** `/accounts/{hash}` (one object) or `/accounts` (an array, no hash: positions' symbols only). */
export const decodeAccounts: RestDecoder = (body, context) => {
  const result = emptyResult();
  const hash = accountHashOf(context.path);
  const entries = Array.isArray(body) ? body : [body];
  const accounts: AccountRow[] = [];
  const symbols: (SymbolRow | null)[] = [];
  for (const entry of entries) {
    const parsed = accountSchema.safeParse(entry);
    if (!parsed.success) {
      result.rejects.push({ table: 'accounts', reason: `account body does not match its schema: ${describeIssues(parsed.error)}`, raw: jsonExcerpt(entry) });
      continue;
    }
    const account: Account = parsed.data;
    const securities = account.securitiesAccount;
    const key = { snapshotTime: context.receivedAt, accountHash: Array.isArray(body) ? null : hash };
    result.rows.push({ table: 'account_balances', row: balanceRow(account, key) });
    for (const row of positionRows(account, key, result)) result.rows.push({ table: 'positions', row });
    if (hash !== null && !Array.isArray(body)) {
      accounts.push({
        account_hash: hash, display_name: accountDisplay(securities.accountNumber), account_type: text(securities.type),
        observed_at: context.receivedAt,
      });
    }
    for (const position of securities.positions ?? []) symbols.push(instrumentSymbol(position.instrument, context.receivedAt));
  }
  if (accounts.length > 0) result.snapshots.push({ kind: 'accounts', data: { accounts, complete: false } satisfies AccountsSnapshot });
  result.snapshots.push(...symbolsSnapshot(symbols));
  return result;
};
