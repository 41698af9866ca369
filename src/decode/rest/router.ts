// Which decoder reads which REST body, by request path. A body without a decoder is kept in the recording only
// (what no route names).
import { decodeAccountNumbers, decodeAccounts } from './accounts.js';
import { decodeChain, decodeExpirationChain } from './chains.js';
import { decodeInstruments } from './instruments.js';
import { decodeMarketHours } from './market-hours.js';
import { decodeMovers } from './movers.js';
import { decodeOrders } from './orders.js';
import { decodePriceHistory } from './price-history.js';
import { decodeQuotes } from './quotes.js';
import { decodeTransactions } from './transactions.js';
import { decodeUserPreference } from './user-preference.js';
import type { RestContext, RestDecodeResult, RestDecoder } from './types.js';

interface Route {
  path: RegExp;
  decode: RestDecoder;
}

// First match wins: accountNumbers before accounts/{hash}.
const ROUTES: readonly Route[] = [
  { path: /^\/trader\/v1\/accounts\/accountNumbers$/, decode: decodeAccountNumbers },
  { path: /^\/trader\/v1\/accounts(\/[^/]+)?$/, decode: decodeAccounts },
  { path: /^\/trader\/v1\/(accounts\/[^/]+\/)?orders(\/[^/]+)?$/, decode: decodeOrders },
  { path: /^\/trader\/v1\/accounts\/[^/]+\/transactions(\/[^/]+)?$/, decode: decodeTransactions },
  { path: /^\/marketdata\/v1\/(quotes|[^/]+\/quotes)$/, decode: decodeQuotes },
  { path: /^\/marketdata\/v1\/chains$/, decode: decodeChain },
  { path: /^\/marketdata\/v1\/expirationchain$/, decode: decodeExpirationChain },
  { path: /^\/marketdata\/v1\/pricehistory$/, decode: decodePriceHistory },
  { path: /^\/trader\/v1\/userPreference$/, decode: decodeUserPreference },
  { path: /^\/marketdata\/v1\/instruments(\/[^/]+)?$/, decode: decodeInstruments },
  { path: /^\/marketdata\/v1\/markets(\/[^/]+)?$/, decode: decodeMarketHours },
  { path: /^\/marketdata\/v1\/movers\/[^/]+$/, decode: decodeMovers },
];

/** The decoded body, or null when no decoder reads this path. */
export function decodeRestBody(body: unknown, context: RestContext): RestDecodeResult | null {
  const pathname = context.path.split('?')[0] ?? context.path;
  const route = ROUTES.find((r) => r.path.test(pathname));
  return route ? route.decode(body, context) : null;
}
