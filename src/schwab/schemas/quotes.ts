// GET /marketdata/v1/quotes: an object keyed by the requested symbol; blocks depend on the asset type (EQUITY,
// OPTION, FUTURE, FOREX, INDEX, MUTUAL_FUND, ...). Unknown symbols are listed under `errors`.
import { z } from 'zod';
import { greeks, openEnum, optionalBoolean, optionalNumber, optionalString } from './common.js';

const quoteBlock = z.looseObject({
  bidPrice: optionalNumber,
  askPrice: optionalNumber,
  lastPrice: optionalNumber,
  mark: optionalNumber,
  bidSize: optionalNumber,
  askSize: optionalNumber,
  lastSize: optionalNumber,
  openPrice: optionalNumber,
  highPrice: optionalNumber,
  lowPrice: optionalNumber,
  closePrice: optionalNumber,
  netChange: optionalNumber,
  totalVolume: optionalNumber,
  quoteTime: optionalNumber,
  tradeTime: optionalNumber,
  securityStatus: optionalString,
  ...greeks,
  openInterest: optionalNumber,
  underlyingPrice: optionalNumber,
});

export const quoteSchema = z.looseObject({
  symbol: z.string(),
  assetMainType: openEnum,
  assetSubType: openEnum.optional(),
  quoteType: openEnum.optional(),
  realtime: optionalBoolean,
  ssid: optionalNumber,
  quote: quoteBlock.optional(),
  reference: z.looseObject({ description: optionalString, exchange: optionalString, exchangeName: optionalString }).optional(),
  fundamental: z.looseObject({}).optional(),
  regular: z.looseObject({}).optional(),
  extended: z.looseObject({}).optional(),
});

const idList = z.array(z.union([z.string(), z.number()])).optional();

export const quotesSchema = z
  .object({ errors: z.looseObject({ invalidSymbols: idList, invalidCusips: idList, invalidSSIDs: idList }).optional() })
  .catchall(quoteSchema);

export type Quote = z.infer<typeof quoteSchema>;
export type Quotes = z.infer<typeof quotesSchema>;
