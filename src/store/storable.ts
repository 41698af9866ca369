// What PostgreSQL cannot store, made storable: a NUL character (text refuses it, 22021; jsonb refuses its escape
// \u0000, 22P05) and lone UTF-16 surrogates (jsonb refuses the escape JSON.stringify writes for them, 22P02).
// Rejects, events and jsonb cells pass through here so that no wire value can fail the flush transaction; the
// recording keeps the original. Rule (docs/schema.md): NUL is stored as the six characters `\u0000`, a lone surrogate
// as U+FFFD; everything else is unchanged.
import { jsonText } from '../decode/json-text.js';

// eslint-disable-next-line no-control-regex
const NUL = /\u0000/g;
// An escape JSON.stringify wrote (an odd run of backslashes before it): NUL, or a surrogate (JSON.stringify writes a
// surrogate as an escape only when it is lone; a well-formed pair stays raw characters).
const UNSTORABLE_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(0000|d[89a-f][0-9a-f]{2})/gi;

/** `text` with each NUL written as the six characters `\u0000`. */
export function storableText(text: string): string {
  return text.includes('\u0000') ? text.replace(NUL, '\\u0000') : text;
}

/** JSON text of `value` that jsonb accepts: never throws on depth, NUL and lone surrogates replaced. */
export function storableJson(value: unknown): string {
  const text = jsonText(value);
  if (!text.includes('\\u')) return text;
  return text.replace(UNSTORABLE_ESCAPE, (_match, backslashes: string, code: string) =>
    `${backslashes}${code === '0000' ? '\\\\u0000' : '\\ufffd'}`);
}
