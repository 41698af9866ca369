// GET /marketdata/v1/pricehistory. `datetime` is ms UTC; daily and longer candles are stamped 00:00 US/Central.
// The spec's ISO fields (datetimeISO8601, previousCloseDateISO8601) are absent from real responses.
import { z } from 'zod';
import { optionalBoolean, optionalNumber, optionalString } from './common.js';

export const candleSchema = z.looseObject({
  open: z.number(),
  high: z.number(),
  low: z.number(),
  close: z.number(),
  volume: z.number(),
  datetime: z.number(),
});

export const priceHistorySchema = z.looseObject({
  candles: z.array(candleSchema),
  symbol: optionalString,
  empty: optionalBoolean,
  previousClose: optionalNumber,
  previousCloseDate: optionalNumber,
});

export type Candle = z.infer<typeof candleSchema>;
export type PriceHistory = z.infer<typeof priceHistorySchema>;
