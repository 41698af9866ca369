// ACCT_ACTIVITY items → account_activity rows (schwab-protocol.md §4.4), and the two readers of the message
// data's value formats that order events need: bcl.Decimal amounts and zone-less Eastern timestamps.
import { DateTime } from 'luxon';
import { maskAccountNumber, maskAccountNumbersInText, maskAccountNumbersInValue } from '../schwab/account-mask.js';
import { ACCT_ACTIVITY } from '../schwab/fields.js';
import { isObject, NO_UNKNOWN_FIELDS, type ItemOutcome } from './item.js';
import { rowFrom, type JsonValue, type NamedRow } from './tables.js';

const KNOWN_FIELDS = new Set(['key', 'seq', ...Object.values(ACCT_ACTIVITY).map(String)]);
const INT4_MAX = 2_147_483_647;

export function decodeAccountActivity(item: Record<string, unknown>, receivedAt: number): ItemOutcome {
  const messageType = item[ACCT_ACTIVITY.messageType];
  if (typeof messageType !== 'string') return { ok: false, reason: 'message has no type (field 2)' };
  const account = item[ACCT_ACTIVITY.account];
  const { data, text } = messageBody(item[ACCT_ACTIVITY.messageData], account);
  const row: NamedRow = {
    received_at: receivedAt,
    subscription_key: typeof item.key === 'string' ? item.key : null,
    activity_seq: isInt4(item.seq) ? item.seq : null,
    account_display: maskAccountNumber(account),
    message_type: messageType,
    schwab_order_id: schwabOrderId(data),
    message_data: data,
    message_text: text,
  };
  return { ok: true, row: rowFrom('account_activity', row), unknownFields: unknownFields(item) };
}

/**
 * Field 3 is a JSON string to parse a second time, or plain text ("Feature not supported"), or empty. Only an object
 * or array counts as message data: a bare "123" is text. Account numbers are masked before either is kept.
 */
function messageBody(raw: unknown, account: unknown): { data: JsonValue | null; text: string | null } {
  if (raw === undefined || raw === null) return { data: null, text: null };
  const masked = typeof raw === 'string' ? maskAccountNumbersInText(raw, account) : maskedValueText(raw, account);
  const parsed = parseJson(masked);
  if (typeof parsed === 'object' && parsed !== null) return { data: parsed, text: null };
  return { data: null, text: masked };
}

/** Field 3 sent parsed (not what Schwab does) is masked as a value: one nested too deep to walk is a marker text. */
function maskedValueText(raw: unknown, account: unknown): string {
  const value = maskAccountNumbersInValue(raw, account);
  return typeof value === 'string' ? value : JSON.stringify(value) ?? '';
}

function parseJson(text: string): JsonValue | undefined {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

/** SchwabOrderID when it is a real number; authors of captures mask it as '#####'. */
function schwabOrderId(data: JsonValue | null): number | null {
  if (!isObject(data)) return null;
  const id = data.SchwabOrderID;
  const value = typeof id === 'string' && /^\d{1,16}$/.test(id) ? Number(id) : id;
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null;
}

function isInt4(value: unknown): value is number {
  return Number.isInteger(value) && Math.abs(value as number) <= INT4_MAX;
}

function unknownFields(item: Record<string, unknown>): readonly string[] {
  const unknown = Object.keys(item).filter((name) => !KNOWN_FIELDS.has(name));
  return unknown.length === 0 ? NO_UNKNOWN_FIELDS : unknown;
}

/**
 * A protobuf-net bcl.Decimal as Schwab sends amounts: value = (hi·2^64 + lo) / 10^(signScale >> 1), negative when
 * signScale is odd. `{"signScale":12}` (no lo) is 0, `{"lo":"200"}` is 200, `{}` means absent → null; so does
 * anything malformed.
 */
export function bclDecimal(value: unknown): number | null {
  if (!isObject(value) || (value.lo === undefined && value.hi === undefined && value.signScale === undefined)) {
    return null;
  }
  const lo = unsigned(value.lo ?? 0);
  const hi = unsigned(value.hi ?? 0);
  const signScale = value.signScale ?? 0;
  if (lo === null || hi === null || !Number.isInteger(signScale) || (signScale as number) < 0) return null;
  const digits = ((hi << 64n) + lo).toString();
  const scale = (signScale as number) >> 1;
  const padded = digits.padStart(scale + 1, '0');
  // Through a decimal string, so the double is the one nearest the exact value even past 2^53.
  const magnitude = Number(`${padded.slice(0, padded.length - scale)}.${padded.slice(padded.length - scale)}0`);
  return magnitude === 0 ? 0 : (signScale as number) % 2 === 1 ? -magnitude : magnitude;
}

function unsigned(value: unknown): bigint | null {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  return typeof value === 'string' && /^\d{1,20}$/.test(value) ? BigInt(value) : null;
}

const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?$/;

/**
 * "2025-12-09 14:11:00.000" (a DateTimeString, which carries no zone) → epoch ms, read as America/New_York wall
 * time: execution ids say "EST" (unverified beyond that). Fractions of 1–9 digits ("14:11:00.00" occurs) and bare
 * dates are accepted; anything else is null.
 */
export function easternWallClock(text: string): number | null {
  const match = WALL_CLOCK.exec(text);
  if (match === null) return null;
  const [, year, month, day, hour, minute, second, fraction] = match;
  const time = DateTime.fromObject({
    year: Number(year), month: Number(month), day: Number(day),
    hour: Number(hour ?? 0), minute: Number(minute ?? 0), second: Number(second ?? 0),
    millisecond: Number((fraction ?? '').padEnd(3, '0').slice(0, 3)),
  }, { zone: 'America/New_York' });
  return time.isValid ? time.toMillis() : null;
}
