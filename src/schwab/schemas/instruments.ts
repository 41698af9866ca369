// GET /marketdata/v1/instruments and /instruments/{cusip}: `{"instruments":[...]}`, each with cusip, symbol,
// description, exchange, assetType and, with projection=fundamental, a `fundamental` object (decode/rest/instruments.ts
// reads its fields; here only the envelope is checked, so a new or missing field never fails the call).
import { z } from 'zod';
import { openEnum, optionalString } from './common.js';

export const instrumentSchema = z.looseObject({
  symbol: z.string(),
  cusip: optionalString,
  description: optionalString,
  exchange: optionalString,
  assetType: openEnum.optional(),
  fundamental: z.looseObject({}).optional(),
});

export const instrumentsSchema = z.looseObject({ instruments: z.array(instrumentSchema) });

export type Instruments = z.infer<typeof instrumentsSchema>;
