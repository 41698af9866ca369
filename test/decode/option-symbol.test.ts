import { describe, expect, it } from 'vitest';
import { parseOptionSymbol } from '../../src/decode/option-symbol.js';

describe('parseOptionSymbol', () => {
  it.each([
    ['AAPL  240517C00100000', { root: 'AAPL', expiration: '2024-05-17', putCall: 'CALL', strike: 100 }],
    ['GOOGL 251212C00315000', { root: 'GOOGL', expiration: '2025-12-12', putCall: 'CALL', strike: 315 }],
    ['SPXW  251208C06880000', { root: 'SPXW', expiration: '2025-12-08', putCall: 'CALL', strike: 6880 }],
    ['F     260116P00012500', { root: 'F', expiration: '2026-01-16', putCall: 'PUT', strike: 12.5 }],
    ['AAPL1 241018C00267500', { root: 'AAPL1', expiration: '2024-10-18', putCall: 'CALL', strike: 267.5 }],
    ['GOOG  240517C00070000', { root: 'GOOG', expiration: '2024-05-17', putCall: 'CALL', strike: 70 }],
  ])('reads %s by position', (text, symbol) => {
    expect(parseOptionSymbol(text)).toEqual({ ok: true, symbol });
  });

  it.each([
    ['AAPL 240517C00100000', '20 characters'],
    ['AAPL   240517C00100000', '22 characters'],
    ['AAPL  240517X00100000', 'does not match'],
    ['AAPL  24O517C00100000', 'does not match'],
    ['AAPL  240517C0010000A', 'does not match'],
    ['AA PL 240517C00100000', 'inner spaces'],
    ['      240517C00100000', 'does not match'],
    ['aapl  240517C00100000', 'does not match'],
    ['AAPL  240230C00100000', 'not a date'],
    ['AAPL  241317P00100000', 'not a date'],
    ['AAPL_011725C265', '15 characters'],
    ['', '0 characters'],
  ])('rejects %j with a reason', (text, reason) => {
    const result = parseOptionSymbol(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });
});
