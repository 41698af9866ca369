// GET /marketdata/v1/movers/{index}: `{"screeners":[{description, volume, lastPrice, netChange, marketShare,
// totalVolume, trades, netPercentChange, symbol}]}` (real captures: z-Wind Mover_real.json, Schwabdev api.md). The
// recorder only needs the body recorded (decode/rest/movers.ts reads it), so entries stay loose.
import { z } from 'zod';
import { optionalNumber, optionalString } from './common.js';

export const moverSchema = z.looseObject({
  symbol: optionalString,
  description: optionalString,
  lastPrice: optionalNumber,
  netChange: optionalNumber,
  netPercentChange: optionalNumber,
  marketShare: optionalNumber,
  totalVolume: optionalNumber,
  volume: optionalNumber,
  trades: optionalNumber,
});

export const moversSchema = z.looseObject({ screeners: z.array(moverSchema) });

export type Movers = z.infer<typeof moversSchema>;
