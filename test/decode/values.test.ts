import { describe, expect, it } from 'vitest';
import { convertValue, SENTINEL } from '../../src/decode/values.js';

describe('convertValue', () => {
  it('passes doubles through', () => {
    expect(convertValue('double', 417.01, 'float8')).toBe(417.01);
    expect(convertValue('double', -0.01339331, 'float8')).toBe(-0.01339331);
  });

  it('stores -0 as 0 (the decoder state checkpoint is JSON, which drops the sign)', () => {
    expect(Object.is(convertValue('double', -0, 'float8'), 0)).toBe(true);
    expect(Object.is(convertValue('int', -0.2, 'int4'), 0)).toBe(true);
  });

  it('turns Schwab\'s -999 on a double into a sentinel', () => {
    expect(convertValue('double', -999, 'float8')).toBe(SENTINEL);
    expect(convertValue('double', JSON.parse('-999.0'), 'float8')).toBe(SENTINEL);
  });

  it('turns "NaN", other strings and non-finite numbers where a number belongs into a sentinel', () => {
    for (const raw of ['NaN', '417.01', Number.NaN, Number.POSITIVE_INFINITY, true, {}, []]) {
      expect(convertValue('double', raw, 'float8')).toBe(SENTINEL);
      expect(convertValue('int', raw, 'int4')).toBe(SENTINEL);
    }
  });

  it('keeps an explicit null as null without calling it a sentinel', () => {
    expect(convertValue('double', null, 'float8')).toBeNull();
    expect(convertValue('tribool', null, 'bool')).toBeNull();
  });

  it('rounds integers Schwab sends as doubles (26.0)', () => {
    expect(convertValue('int', 26.0, 'int8')).toBe(26);
    expect(convertValue('int', 145.4, 'int4')).toBe(145);
  });

  it('treats an integer that does not fit its column as a sentinel rather than failing the COPY', () => {
    expect(convertValue('int', 2_147_483_648, 'int4')).toBe(SENTINEL);
    expect(convertValue('int', 2_147_483_648, 'int8')).toBe(2_147_483_648);
    expect(convertValue('int', 2 ** 60, 'int8')).toBe(SENTINEL);
  });

  it('reads -1 of a count or a tri-state flag as unknown', () => {
    expect(convertValue('count', -1, 'int8')).toBe(SENTINEL);
    expect(convertValue('count', 95711793, 'int8')).toBe(95711793);
    expect(convertValue('tribool', -1, 'bool')).toBe(SENTINEL);
    expect(convertValue('tribool', 1, 'bool')).toBe(true);
    expect(convertValue('tribool', 0, 'bool')).toBe(false);
    expect(convertValue('tribool', 2, 'bool')).toBe(SENTINEL);
  });

  it('keeps epoch milliseconds as numbers and reads 0 as "no time"', () => {
    expect(convertValue('millis', 1715777955574, 'timestamptz')).toBe(1715777955574);
    expect(convertValue('millis', 0, 'timestamptz')).toBe(SENTINEL);
    expect(convertValue('millis', 1e17, 'timestamptz')).toBe(SENTINEL);
  });

  it('parses the level-one dividend date to YYYY-MM-DD', () => {
    expect(convertValue('date', '2024-05-15 00:00:00.0', 'date')).toBe('2024-05-15');
    expect(convertValue('date', '2024-06-10', 'date')).toBe('2024-06-10');
  });

  it('treats dates that are not real days, or not dates, as sentinels', () => {
    for (const raw of ['2024-02-30 00:00:00.0', '', ' ', '15/05/2024', 20240515]) {
      expect(convertValue('date', raw, 'date')).toBe(SENTINEL);
    }
  });

  it('keeps text, turns a digit sent for a char into text, and refuses NUL bytes PostgreSQL cannot store', () => {
    expect(convertValue('text', 'NASDAQ', 'text')).toBe('NASDAQ');
    expect(convertValue('text', '', 'text')).toBe('');
    expect(convertValue('text', 0, 'text')).toBe('0');
    expect(convertValue('text', 'A\u0000B', 'text')).toBe(SENTINEL);
  });

  it('accepts only booleans for a bool field', () => {
    expect(convertValue('bool', false, 'bool')).toBe(false);
    expect(convertValue('bool', 'true', 'bool')).toBe(SENTINEL);
  });
});
