// Column spec constructors for the decoders' column lists (types as in sql/; lengths and precisions let decoders
// refuse a value before it fails a whole COPY).
import type { ColumnSpec } from './tables.js';

export const text = (name: string, maxLength?: number): ColumnSpec =>
  (maxLength === undefined ? { name, type: 'text' } : { name, type: 'text', maxLength });
export const numeric = (name: string, precision: number, scale: number): ColumnSpec => ({ name, type: 'numeric', numeric: { precision, scale } });
export const int4 = (name: string): ColumnSpec => ({ name, type: 'int4' });
export const int8 = (name: string): ColumnSpec => ({ name, type: 'int8' });
export const bool = (name: string): ColumnSpec => ({ name, type: 'bool' });
export const timestamptz = (name: string): ColumnSpec => ({ name, type: 'timestamptz' });
