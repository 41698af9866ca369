// GET /marketdata/v1/quotes and /marketdata/v1/{symbol}/quotes bodies → a 'symbols' snapshot: the symbol master
// data of every quote (schwab-protocol.md §6.4). Prices are not kept here: ticks come from the streamer. Quotes are
// the authority on a symbol's description, asset type and exchange; instruments seen in orders, transactions and
// positions (decode/rest/trader.ts) only fill what no quote has said.
import { jsonExcerpt } from '../json-text.js';
import { quoteSchema } from '../../schwab/schemas/quotes.js';
import { isObject } from '../item.js';
import { describeIssues, text } from './trader.js';
import { emptyResult, type RestDecoder, type Snapshot } from './types.js';

export interface SymbolRow {
  symbol: string;
  company_name: string | null;
  description: string | null;
  /** assetMainType of a quote (EQUITY, OPTION, INDEX, ...), assetType of an instrument (may be COLLECTIVE_INVESTMENT). */
  asset_type: string | null;
  /** The exchange's name as the quote gives it (`NASDAQ`, `OPR`, `Mutual Fund`), its code when it has no name. */
  exchange: string | null;
  /** The CUSIP where the body gives one (instruments); absent means not said. */
  cusip?: string | null;
  /** From a quote: its values replace the stored ones. From an instrument: fills only columns still NULL. */
  authoritative: boolean;
  /** Capture time of the body (epoch ms): updated_at of the rows it changes. */
  observed_at: number;
}

export interface SymbolsSnapshot {
  symbols: SymbolRow[];
}

/** The body's symbols as a snapshot, or nothing when it names none. */
export function symbolsSnapshot(rows: readonly (SymbolRow | null)[]): Snapshot<SymbolsSnapshot>[] {
  const symbols = rows.filter((row): row is SymbolRow => row !== null);
  return symbols.length === 0 ? [] : [{ kind: 'symbols', data: { symbols } }];
}

export const decodeQuotes: RestDecoder = (body, context) => {
  const result = emptyResult();
  if (!isObject(body)) {
    result.rejects.push({ table: 'symbols', reason: 'quotes body is not an object', raw: jsonExcerpt(body) });
    return result;
  }
  const rows: SymbolRow[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (key === 'errors') continue; // invalidSymbols, invalidCusips, invalidSSIDs: nothing to store
    const parsed = quoteSchema.safeParse(value);
    if (!parsed.success) {
      result.rejects.push({ table: 'symbols', reason: `quote of ${JSON.stringify(key)} does not match its schema: ${describeIssues(parsed.error)}`, raw: jsonExcerpt(value) });
      continue;
    }
    const quote = parsed.data;
    const symbol = text(quote.symbol) || text(key);
    if (symbol === null || symbol === '') continue;
    const description = text(quote.reference?.description);
    rows.push({
      symbol,
      // An equity's description is its issuer's name (`Apple Inc`); other assets have no company.
      company_name: quote.assetMainType === 'EQUITY' ? description : null,
      description,
      asset_type: text(quote.assetMainType),
      exchange: text(quote.reference?.exchangeName) || text(quote.reference?.exchange),
      authoritative: true,
      observed_at: context.receivedAt,
    });
  }
  result.snapshots.push(...symbolsSnapshot(rows));
  return result;
};
