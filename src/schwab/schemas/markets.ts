// GET /marketdata/v1/markets: market → product → hours. On a closed day the product key is the market's own name
// and sessionHours is absent. Times carry the Eastern offset.
import { z } from 'zod';
import { interval, openEnum, optionalString } from './common.js';

export const marketHoursSchema = z.looseObject({
  date: z.string(),
  marketType: openEnum,
  product: optionalString,
  productName: optionalString,
  isOpen: z.boolean(),
  sessionHours: z.record(z.string(), z.array(interval)).optional(),
});

export const marketsSchema = z.record(z.string(), z.record(z.string(), marketHoursSchema));

export type MarketHours = z.infer<typeof marketHoursSchema>;
export type Markets = z.infer<typeof marketsSchema>;
