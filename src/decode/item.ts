// What one decoder makes of one content item: a row, or the reason it cannot be one.
import type { Row } from './tables.js';

export type ItemOutcome =
  | {
    ok: true; row: Row; /** content keys the decoder does not know (e.g. "99") */ unknownFields: readonly string[];
    /** The key's merged state was not kept (a level-one service past its key cap). */ untracked?: true;
  }
  | { ok: false; reason: string };

export const NO_UNKNOWN_FIELDS: readonly string[] = Object.freeze([]);

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
