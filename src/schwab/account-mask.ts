// Account numbers are secrets (design.md §3.5): wherever one is kept it becomes "..." + its last three characters,
// the form Schwab's own displayAcctId uses. Shared by capture (before a frame is recorded) and the ACCT_ACTIVITY
// decoder (so a row never holds one even if handed an unredacted frame).
//
// What counts as an account number in the message data (field 3) of an ACCT_ACTIVITY item:
// - the value of a key named AccountNumber / accountNumber (as Schwab spells it there and in REST): the whole
//   value, whatever it holds (the capture authors' "########" becomes "...###");
// - any 8+ digit run in the value of another key whose name contains "acct" or "account" (any case) —
//   {"Acct":46828469}, {"ToAccount":"42815784"}, an array of them — but not its other values ("OrderAccount":
//   "TDAAccount", "AccountingRuleCode":"Margin" have no digits and stay);
// - anywhere (free text, other keys, a bare number): a digit run equal to the item's own account (field 1);
// - in free text: an 8+ digit run right after the word account / acct ("for account 46828469", "Acct# ...",
//   "account number ...").
// Digit runs are whole runs: the same digits inside a longer number (an order id) are not the account. Order ids
// and other numbers under other keys stay as sent.
//
// The text is scanned once, left to right, with an explicit stack of the open objects and arrays: no recursion,
// so a value nested 200,000 levels deep costs time, not stack. A value that is already parsed (field 3 sent as an
// object) is walked only up to MAX_DEPTH levels; deeper than that it is replaced whole by TOO_DEEP, since what
// cannot be walked cannot be shown to hold no account number.
import { ACCT_ACTIVITY } from './fields.js';

/** Nesting that real Schwab data never comes near (under 20 levels), and JSON.stringify handles with stack to spare. */
export const MAX_DEPTH = 1000;
/** What stands for a parsed value nested deeper than MAX_DEPTH. */
export const TOO_DEEP = '[redacted: nested too deep to mask]';

/** "12345678" → "...678". Empty, null and non-scalar values give null: there is nothing to display. */
export function maskAccountNumber(value: unknown): string | null {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || text === '') return null;
  return `...${text.slice(-3)}`;
}

/** What the key a value stands under says about it: the account number, a value about an account, or neither. */
type KeyKind = 'account-number' | 'account-named' | null;

const ACCOUNT_NUMBER_KEY = /^"(?:AccountNumber|accountNumber)"$/;
const ACCOUNT_NAMED_KEY = /acct|account/i;
const LONG_RUN = 8;
// The end of the text before a digit run: the word account/acct, an optional "number"/"no."/"#", separators.
const AFTER_ACCOUNT_WORD = /(?:acct|account)s?(?:[\s:#=.-]{0,3}(?:number|num|nbr|no))?[\s:#=.-]{0,3}$/i;
const WORD_WINDOW = 24;
const DIGIT_RUN = /\d+/g;
// Inside a JSON string the digits of an escape (\u0031) are not a run of their own: masking them would break it.
const ESCAPE_OR_DIGIT_RUN = /\\\\|\\u[0-9a-fA-F]{4}|\d+/g;
// Outside strings in JSON: structure and number tokens.
const JSON_TOKEN = /[{[]|[}\]]|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/**
 * Masks the account numbers inside the text of an ACCT_ACTIVITY message (field 3) by the rules above. Works on the
 * text, not a parse: every other byte stays as Schwab sent it (a parse and re-serialisation would round large
 * integers); valid JSON stays valid (a masked bare number becomes a string). Idempotent: masked values stay as
 * they are.
 */
export function maskAccountNumbersInText(text: string, account?: unknown): string {
  const own = ownAccount(account);
  const json = isJson(text);
  // One entry per open object/array: the kind of the key its next value stands under (an array keeps its key's).
  const open: KeyKind[] = [null];
  const out: string[] = [];
  for (const piece of pieces(text)) {
    const kind = open[open.length - 1] ?? null;
    if (piece.key) {
      open[open.length - 1] = keyKind(piece.text);
      out.push(maskFreeText(piece.text, null, own, json));
    } else if (piece.quoted) {
      out.push(kind === 'account-number'
        ? JSON.stringify(maskAccountNumber(unquote(piece.text)) ?? '')
        : maskFreeText(piece.text, kind, own, json));
    } else {
      out.push(json ? maskJsonStructure(piece.text, open, own) : maskFreeText(piece.text, kind, own, false));
    }
  }
  return out.join('');
}

/**
 * A copy of one ACCT_ACTIVITY content item with field 1 masked and the account numbers in field 3 masked (field 3
 * stays a JSON string, or becomes TOO_DEEP). Anything that is not an object comes back as it is.
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
    redacted[ACCT_ACTIVITY.messageData] = maskAccountNumbersInValue(data, account);
  }
  return redacted;
}

/** A parsed message data value masked through its JSON text; TOO_DEEP when nested deeper than MAX_DEPTH. */
export function maskAccountNumbersInValue(value: unknown, account?: unknown): unknown {
  if (nestedDeeperThan(value, MAX_DEPTH)) return TOO_DEEP;
  const text = JSON.stringify(value);
  return text === undefined ? value : JSON.parse(maskAccountNumbersInText(text, account));
}

/** Whether `value` has objects or arrays nested more than `limit` levels; stops looking at the first that is. */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth >= limit) return true;
    for (const child of Object.values(next.value)) pending.push({ value: child, depth: next.depth + 1 });
  }
  return false;
}

function ownAccount(account: unknown): string | null {
  const literal = typeof account === 'number' ? String(account) : account;
  return typeof literal === 'string' && /^\d{4,}$/.test(literal) ? literal : null;
}

function keyKind(key: string): KeyKind {
  if (ACCOUNT_NUMBER_KEY.test(key)) return 'account-number';
  return ACCOUNT_NAMED_KEY.test(key) ? 'account-named' : null;
}

/** Free text (a JSON string with its quotes, or text that is not JSON): digit runs masked where they are accounts. */
function maskFreeText(text: string, kind: KeyKind, own: string | null, jsonString: boolean): string {
  return text.replace(jsonString ? ESCAPE_OR_DIGIT_RUN : DIGIT_RUN, (run: string, at: number) => {
    if (run.startsWith('\\')) return run;
    const underAccountKey = kind !== null && run.length >= LONG_RUN;
    const afterWord = run.length >= LONG_RUN && AFTER_ACCOUNT_WORD.test(text.slice(Math.max(0, at - WORD_WINDOW), at));
    return underAccountKey || afterWord || run === own ? mask(run) : run;
  });
}

/** JSON outside strings: tracks the open objects and arrays and masks bare numbers that are accounts, as strings. */
function maskJsonStructure(text: string, open: KeyKind[], own: string | null): string {
  return text.replace(JSON_TOKEN, (token: string) => {
    if (token === '{') open.push(null);
    else if (token === '[') open.push(open[open.length - 1] ?? null);
    else if (token === '}' || token === ']') {
      if (open.length > 1) open.pop();
    } else if (isAccountNumber(token, open[open.length - 1] ?? null, own)) {
      return JSON.stringify(mask(token));
    }
    return token;
  });
}

function isAccountNumber(number: string, kind: KeyKind, own: string | null): boolean {
  if (kind === 'account-number' || number === own) return true;
  return kind === 'account-named' && integerDigits(number) >= LONG_RUN;
}

const integerDigits = (number: string): number => number.replace(/^-/, '').split(/[.eE]/)[0]?.length ?? 0;

const mask = (digits: string): string => `...${digits.slice(-3)}`;

interface Piece {
  text: string;
  /** A "…" string (quotes included; an unterminated one runs to the end). */
  quoted: boolean;
  /** A quoted string followed by ':' — an object key. */
  key: boolean;
}

/** The text cut into quoted strings and what lies between them, by a plain scan (no regex backtracking on huge strings). */
function* pieces(text: string): Generator<Piece> {
  let at = 0;
  while (at < text.length) {
    const open = text.indexOf('"', at);
    if (open < 0) {
      yield { text: text.slice(at), quoted: false, key: false };
      return;
    }
    if (open > at) yield { text: text.slice(at, open), quoted: false, key: false };
    const end = closingQuote(text, open) + 1;
    yield { text: text.slice(open, end), quoted: true, key: followedByColon(text, end) };
    at = end;
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function closingQuote(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code === BACKSLASH) i += 1;
    else if (code === QUOTE) return i;
  }
  return text.length - 1;
}

function followedByColon(text: string, from: number): boolean {
  let i = from;
  while (i < text.length && /\s/.test(text[i]!)) i += 1;
  return text[i] === ':';
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
  try {
    return JSON.parse(value) as string;
  } catch {
    return value.slice(1, -1); // a raw control character inside, or unterminated: still mask, never throw
  }
}
