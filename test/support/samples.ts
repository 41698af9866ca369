// The real Schwab payloads of test/fixtures/samples (SOURCES.md says where each comes from), read as tests need them.
import { readFileSync } from 'node:fs';

/** Line `line` (1-based) of a .jsonl sample, parsed. */
export function sampleLine(file: string, line: number): unknown {
  const lines = readFileSync(new URL(`../fixtures/samples/${file}`, import.meta.url), 'utf8').split('\n');
  const text = lines[line - 1];
  if (text === undefined || text === '') throw new Error(`${file} has no line ${line}`);
  return JSON.parse(text);
}

/** Every line of a .jsonl sample, parsed. */
export function sampleLines(file: string): unknown[] {
  return readFileSync(new URL(`../fixtures/samples/${file}`, import.meta.url), 'utf8')
    .split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as unknown);
}

/** The content items of the first data block of a streamer frame. */
export function contentOf(frame: unknown): Record<string, unknown>[] {
  const block = (frame as { data: { content: Record<string, unknown>[] }[] }).data[0];
  if (block === undefined) throw new Error('frame has no data block');
  return block.content;
}
