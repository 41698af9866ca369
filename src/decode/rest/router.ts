// Which decoder reads which REST body, by request path. A body without a decoder is kept in the recording only
// (userPreference, markets, ...).
import { decodeChain, decodeExpirationChain } from './chains.js';
import { decodePriceHistory } from './price-history.js';
import type { RestContext, RestDecodeResult, RestDecoder } from './types.js';

interface Route {
  path: RegExp;
  decode: RestDecoder;
}

const ROUTES: readonly Route[] = [
  { path: /^\/marketdata\/v1\/chains$/, decode: decodeChain },
  { path: /^\/marketdata\/v1\/expirationchain$/, decode: decodeExpirationChain },
  { path: /^\/marketdata\/v1\/pricehistory$/, decode: decodePriceHistory },
];

/** The decoded body, or null when no decoder reads this path. */
export function decodeRestBody(body: unknown, context: RestContext): RestDecodeResult | null {
  const pathname = context.path.split('?')[0] ?? context.path;
  const route = ROUTES.find((r) => r.path.test(pathname));
  return route ? route.decode(body, context) : null;
}
