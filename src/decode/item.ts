// What one decoder makes of one content item: a row, or the reason it cannot be one.
import type { Row } from './tables.js';

export type ItemOutcome =
  | {
    ok: true; row: Row; /** content keys the decoder does not know (e.g. "99") */ unknownFields: readonly string[];
    /** The key's merged state was not kept (a level-one service past its key cap). */ untracked?: true;
  }
  | { ok: false; reason: string };

/**
 * What a decoder of a whole list makes of one item: a row per entry (a screener item is its ranked list), possibly
 * none, or the reason the item cannot be stored.
 */
export type ItemRowsOutcome =
  | { ok: true; rows: readonly Row[]; /** as ItemOutcome's */ unknownFields: readonly string[] }
  | { ok: false; reason: string };

export const NO_UNKNOWN_FIELDS: readonly string[] = Object.freeze([]);

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
