// JSON text of a parsed wire value without recursion. JSON.parse accepts a value nested 200,000 levels deep, but
// JSON.stringify, String() of nested arrays and every recursive walk overflow the stack on it: whatever has to
// serialise wire data (the journal, a quarantined item's excerpt, a jsonb cell) ends up here when the fast native
// path throws.

/** Characters kept of a quarantined value: enough to see what it was, never megabytes per rejected row. */
export const EXCERPT_MAX_CHARS = 16_384;

type Frame = { kind: 'array'; items: readonly unknown[]; at: number } | { kind: 'object'; record: Record<string, unknown>; keys: string[]; at: number };

/**
 * `JSON.stringify(value)`, but never throws on depth: past the native serialiser's stack it writes the same text
 * iteratively. Values JSON cannot express (undefined, functions) are written as JSON.stringify writes them inside
 * arrays and objects; a bare one gives 'null'.
 */
export function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return writeIteratively(value, Number.POSITIVE_INFINITY);
  }
}

/**
 * At most `maxChars` characters of the JSON text of `value`, marked when cut. The native serialiser first (fast for
 * what decoders reject: items and bodies of a few MB at most); past its stack, an iterative walk that stops at the bound.
 */
export function jsonExcerpt(value: unknown, maxChars = EXCERPT_MAX_CHARS): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = writeIteratively(value, maxChars + 1);
  }
  return textExcerpt(text, maxChars);
}

/** At most `maxChars` characters of `text` (a frame that was not JSON, say), marked when cut. */
export function textExcerpt(text: string, maxChars = EXCERPT_MAX_CHARS): string {
  return text.length > maxChars ? `${text.slice(0, maxChars)}… (cut at ${maxChars} characters)` : text;
}

function writeIteratively(root: unknown, maxChars: number): string {
  const out: string[] = [];
  let length = 0;
  const write = (text: string): void => {
    out.push(text);
    length += text.length;
  };
  const stack: Frame[] = [];
  const open = (value: unknown): void => {
    if (Array.isArray(value)) {
      write('[');
      stack.push({ kind: 'array', items: value, at: 0 });
    } else if (typeof value === 'object' && value !== null) {
      write('{');
      const record = value as Record<string, unknown>;
      stack.push({ kind: 'object', record, keys: Object.keys(record).filter((k) => isWritable(record[k])), at: 0 });
    } else {
      write(scalar(value));
    }
  };
  open(root);
  while (stack.length > 0 && length < maxChars) {
    const frame = stack[stack.length - 1]!;
    if (frame.kind === 'array') {
      if (frame.at === frame.items.length) {
        stack.pop();
        write(']');
        continue;
      }
      if (frame.at > 0) write(',');
      const item = frame.items[frame.at++];
      open(isWritable(item) ? item : null);
    } else {
      if (frame.at === frame.keys.length) {
        stack.pop();
        write('}');
        continue;
      }
      if (frame.at > 0) write(',');
      const key = frame.keys[frame.at++]!;
      write(`${JSON.stringify(key)}:`);
      open(frame.record[key]);
    }
  }
  return out.join('');
}

/** What JSON.stringify leaves out of objects (and writes as null in arrays). */
function isWritable(value: unknown): boolean {
  return value !== undefined && typeof value !== 'function' && typeof value !== 'symbol';
}

function scalar(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value) ?? 'null';
}
