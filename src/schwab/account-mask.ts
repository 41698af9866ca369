// Account numbers are secrets (design.md §3.5): wherever one is kept it becomes "..." + its last three characters,
// the form Schwab's own displayAcctId uses. Shared by capture (before a frame is recorded) and the ACCT_ACTIVITY
// decoder (so a row never holds one even if handed an unredacted frame).
import { ACCT_ACTIVITY } from './fields.js';

/** "12345678" → "...678". Empty, null and non-scalar values give null: there is nothing to display. */
export function maskAccountNumber(value: unknown): string | null {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || text === '') return null;
  return `...${text.slice(-3)}`;
}

// "AccountNumber": "<string>" or a bare number, in any nesting; keys as Schwab spells them in ACCT_ACTIVITY
// (AccountNumber) and REST (accountNumber).
const ACCOUNT_MEMBER = /("(?:AccountNumber|accountNumber)"\s*:\s*)("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;

/**
 * Masks the account numbers inside the text of an ACCT_ACTIVITY message (field 3). Works on the text, not a parse:
 * every other byte stays as Schwab sent it (a parse and re-serialisation would round large integers). The item's
 * own account number (field 1) goes too wherever it stands alone: as a whole JSON string in JSON text, as a digit
 * run in plain text (a notice). Idempotent: masked values stay as they are.
 */
export function maskAccountNumbersInText(text: string, account?: unknown): string {
  const masked = text.replace(ACCOUNT_MEMBER, (_match, prefix: string, value: string) =>
    `${prefix}${JSON.stringify(maskAccountNumber(unquote(value)) ?? '')}`);
  const literal = typeof account === 'number' ? String(account) : account;
  if (typeof literal !== 'string' || !/^\d{4,}$/.test(literal)) return masked;
  const display = `...${literal.slice(-3)}`;
  // In JSON only a whole string can be swapped without breaking the syntax; the same digits inside a longer id
  // (an order number) are not the account in either form.
  if (isJson(masked)) return masked.replaceAll(`"${literal}"`, JSON.stringify(display));
  return masked.replace(new RegExp(`(?<!\\d)${literal}(?!\\d)`, 'g'), display);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function unquote(value: string): string {
  if (!value.startsWith('"')) return value;
  try {
    return JSON.parse(value) as string;
  } catch {
    return value.slice(1, -1); // a raw control character inside: still mask, never throw
  }
}

/**
 * A copy of one ACCT_ACTIVITY content item with field 1 masked and the account numbers in field 3 masked (field 3
 * stays a JSON string). Anything that is not an object comes back as it is.
 */
export function redactAccountActivityItem(item: unknown): unknown {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return item;
  const fields = item as Record<string, unknown>;
  const account = fields[ACCT_ACTIVITY.account];
  const data = fields[ACCT_ACTIVITY.messageData];
  const redacted: Record<string, unknown> = { ...fields };
  // '' (the SUBSCRIBED ack) and null carry nothing; a value that is neither string nor number is dropped whole.
  if (account !== undefined && account !== null && account !== '') {
    redacted[ACCT_ACTIVITY.account] = maskAccountNumber(account) ?? '[redacted]';
  }
  if (typeof data === 'string') {
    redacted[ACCT_ACTIVITY.messageData] = maskAccountNumbersInText(data, account);
  } else if (typeof data === 'object' && data !== null) {
    redacted[ACCT_ACTIVITY.messageData] = JSON.parse(maskAccountNumbersInText(JSON.stringify(data), account));
  }
  return redacted;
}
