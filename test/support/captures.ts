// The real Schwab streamer captures of test/fixtures/captures (SOURCES.md there says where each comes from).
import { readFileSync } from 'node:fs';

/** Every line of a capture file, parsed: one streamer frame each. */
export function captureFrames(file: string): unknown[] {
  return readFileSync(new URL(`../fixtures/captures/${file}`, import.meta.url), 'utf8')
    .split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as unknown);
}

/** Line `line` (1-based) of a capture file. */
export function captureFrame(file: string, line: number): unknown {
  const frame = captureFrames(file)[line - 1];
  if (frame === undefined) throw new Error(`${file} has no line ${line}`);
  return frame;
}

/** The content item of `key` in line `line` of a capture file (its first data block). */
export function captureItem(file: string, line: number, key: string): Record<string, unknown> {
  const block = (captureFrame(file, line) as { data: { content: Record<string, unknown>[] }[] }).data[0];
  const found = block?.content.find((i) => i.key === key);
  if (found === undefined) throw new Error(`${file}:${line} has no ${key}`);
  return found;
}
