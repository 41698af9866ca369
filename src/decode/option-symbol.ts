// OCC option symbols as Schwab sends them (schwab-protocol.md §5): always 21 characters,
// root (6, space-padded) + YYMMDD + C|P + strike × 1000 (8 digits). Parsed by position: the padding is 1–5
// spaces, so splitting on whitespace would misread `GOOGL 251212C00315000`.

export interface OptionSymbol {
  /** The option root, not necessarily the underlying: SPXW trades on $SPX, AAPL1 is an adjusted AAPL option. */
  root: string;
  expiration: string; // YYYY-MM-DD
  putCall: 'CALL' | 'PUT';
  strike: number;
}

export type OptionSymbolResult = { ok: true; symbol: OptionSymbol } | { ok: false; reason: string };

const LAYOUT = /^([A-Z0-9][A-Z0-9 ]{5})(\d{2})(\d{2})(\d{2})([CP])(\d{8})$/;
const ROOT = /^[A-Z0-9]+$/;

export function parseOptionSymbol(text: string): OptionSymbolResult {
  if (text.length !== 21) return { ok: false, reason: `option symbol is ${text.length} characters, not 21` };
  const match = LAYOUT.exec(text);
  if (match === null) return { ok: false, reason: 'option symbol does not match RRRRRRYYMMDD[C|P]SSSSSSSS' };
  const [, paddedRoot, yy, mm, dd, type, strike] = match as unknown as [string, string, string, string, string, string, string];
  const root = paddedRoot.trimEnd();
  // Padding only at the end: "AA PL " is not a root.
  if (!ROOT.test(root)) return { ok: false, reason: 'option root has inner spaces' };
  const expiration = `20${yy}-${mm}-${dd}`;
  if (!isRealDay(expiration)) return { ok: false, reason: `option expiration ${expiration} is not a date` };
  return {
    ok: true,
    symbol: { root, expiration, putCall: type === 'C' ? 'CALL' : 'PUT', strike: Number(strike) / 1000 },
  };
}

function isRealDay(iso: string): boolean {
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(iso);
}
