// What a failed REST attempt leaves behind: a `rest_error` session event (journaled through the capture, so a
// replay of the recording stores the same stream_events row as the live run did) with nothing secret in it.
//
// - path: the API path as requested (account paths carry the account's hashValue, never its number; no token is
//   ever part of a URL), with the query reduced to what is safe to keep: every parameter name, and the value only
//   for the parameters the recorder sends with public values (symbols, dates, enums, counts: SAFE_VALUE_PARAMS) and
//   only when it is plain (letters, digits, percent escapes, `.,:_-~*`, at most 200 characters). Any other value is
//   `*`: a parameter added later, or a value that is not plain, is named but not quoted.
// - message: Schwab's own words (trader API `{"message"}`, market-data API `{"errors":[{title, detail}]}`), with
//   account numbers masked by the ACCT_ACTIVITY rule (account-mask.ts) and any remaining run of 6+ digits masked
//   too, at most 300 characters; null for a body that is not JSON (a gateway's HTML page is not quoted).
import { maskAccountNumbersInText } from './account-mask.js';

export type RestErrorStatus = number | 'timeout' | 'network';

/** What the client does after the failed attempt. */
export type RestErrorNext = 'refresh_token' | 'retry' | 'give_up';

export interface RestErrorDetail {
  method: string;
  /** The fixed endpoint name (`quotes`, `orders`): the metric's label. */
  endpoint: string;
  path: string;
  /** The HTTP status, or `timeout` (no answer within requestTimeoutMs) or `network` (no answer at all). */
  status: RestErrorStatus;
  message: string | null;
  /** 1 for the first attempt of the call. */
  attempt: number;
  next: RestErrorNext;
  [key: string]: unknown;
}

/** Parameters of endpoints.ts whose values are public (symbols, times, enums, counts): kept when plain. */
const SAFE_VALUE_PARAMS = new Set([
  'symbol', 'symbols', 'fields', 'indicative', 'projection', 'markets', 'date', 'sort', 'frequency', 'frequencyType',
  'period', 'periodType', 'startDate', 'endDate', 'needExtendedHoursData', 'needPreviousClose', 'fromEnteredTime',
  'toEnteredTime', 'status', 'maxResults', 'types', 'contractType', 'strikeCount', 'includeUnderlyingQuote',
  'strategy', 'interval', 'strike', 'range', 'fromDate', 'toDate', 'volatility', 'underlyingPrice', 'interestRate',
  'daysToExpiration', 'expMonth', 'optionType', 'entitlement',
]);

const PLAIN_VALUE = /^[A-Za-z0-9%.,:_~*-]{0,200}$/;
const PARAM_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const MAX_MESSAGE = 300;

/** `/p?symbol=AAPL&accountNumber=123` → `/p?symbol=AAPL&accountNumber=*`. The path before `?` is kept. */
export function safeRequestPath(target: string): string {
  const at = target.indexOf('?');
  if (at < 0) return target;
  const params = target.slice(at + 1).split('&').filter((part) => part !== '').map((part) => {
    const equals = part.indexOf('=');
    const name = equals < 0 ? part : part.slice(0, equals);
    const value = equals < 0 ? undefined : part.slice(equals + 1);
    if (!PARAM_NAME.test(name)) return '_';
    if (value === undefined) return name;
    return SAFE_VALUE_PARAMS.has(name) && PLAIN_VALUE.test(value) ? `${name}=${value}` : `${name}=*`;
  });
  return params.length === 0 ? target.slice(0, at) : `${target.slice(0, at)}?${params.join('&')}`;
}

/** Schwab's message in an error body, masked and bounded; null when the body is not JSON or has none. */
export function schwabErrorMessage(text: string): string | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null) return null;
  const joined = messagePieces(body as { message?: unknown; errors?: unknown }).filter((piece) => piece !== '').join('; ');
  if (joined === '') return null;
  // Cut before masking (a huge message costs nothing), and again after: 2000 characters hold every run the 300 show.
  const masked = maskAccountNumbersInText(joined.slice(0, 2000)).replace(/\d{6,}/g, (digits) => `...${digits.slice(-3)}`);
  return masked.length > MAX_MESSAGE ? `${masked.slice(0, MAX_MESSAGE)}…` : masked;
}

function messagePieces({ message, errors }: { message?: unknown; errors?: unknown }): string[] {
  const pieces: string[] = [];
  if (typeof message === 'string') pieces.push(message);
  if (!Array.isArray(errors)) return pieces;
  for (const item of errors.slice(0, 3)) {
    if (typeof item === 'string') pieces.push(item);
    else if (typeof item === 'object' && item !== null) {
      const { title, detail } = item as { title?: unknown; detail?: unknown };
      pieces.push([title, detail].filter((part) => typeof part === 'string').join(': '));
    }
  }
  return pieces;
}
