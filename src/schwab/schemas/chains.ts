// GET /marketdata/v1/chains and /marketdata/v1/expirationchain, by real captures: contract fields are `bid`, `ask`,
// `inTheMoney` (the spec's `bidPrice`, `isInTheMoney` never occur); expirations carry `expirationDate`.
// Map keys are parsed by their users, never formatted: `"2024-10-18:0"` (date:days) → `"267.5"` (strike) → [contract].
import { z } from 'zod';
import { analytic, greeks, openEnum, optionalBoolean, optionalNumber, optionalString } from './common.js';

export const optionContractSchema = z.looseObject({
  putCall: openEnum,
  symbol: z.string(),
  strikePrice: z.number(),
  expirationDate: z.string(),
  description: optionalString,
  exchangeName: optionalString,
  bid: optionalNumber,
  ask: optionalNumber,
  last: optionalNumber,
  mark: optionalNumber,
  bidSize: optionalNumber,
  askSize: optionalNumber,
  bidAskSize: optionalString,
  lastSize: optionalNumber,
  highPrice: optionalNumber,
  lowPrice: optionalNumber,
  openPrice: optionalNumber,
  closePrice: optionalNumber,
  totalVolume: optionalNumber,
  tradeTimeInLong: optionalNumber,
  quoteTimeInLong: optionalNumber,
  netChange: optionalNumber,
  ...greeks,
  openInterest: optionalNumber,
  timeValue: analytic.optional(),
  theoreticalOptionValue: analytic.optional(),
  theoreticalVolatility: analytic.optional(),
  optionDeliverablesList: z.array(z.looseObject({
    symbol: optionalString,
    assetType: openEnum.optional(),
    deliverableUnits: optionalNumber,
    currencyType: openEnum.optional(),
  })).optional(),
  daysToExpiration: optionalNumber,
  expirationType: openEnum.optional(),
  lastTradingDay: optionalNumber,
  multiplier: optionalNumber,
  settlementType: openEnum.optional(),
  deliverableNote: optionalString,
  percentChange: analytic.optional(),
  markChange: analytic.optional(),
  markPercentChange: analytic.optional(),
  intrinsicValue: analytic.optional(),
  extrinsicValue: analytic.optional(),
  optionRoot: optionalString,
  exerciseType: openEnum.optional(),
  high52Week: optionalNumber,
  low52Week: optionalNumber,
  nonStandard: optionalBoolean,
  pennyPilot: optionalBoolean,
  inTheMoney: optionalBoolean,
  mini: optionalBoolean,
});

/** expiration key → strike key → contracts (normally one). */
export const expDateMapSchema = z.record(z.string(), z.record(z.string(), z.array(optionContractSchema)));

export const optionChainSchema = z.looseObject({
  symbol: z.string(),
  status: openEnum,
  underlying: z.looseObject({
    symbol: optionalString,
    last: optionalNumber,
    mark: optionalNumber,
    bid: optionalNumber,
    ask: optionalNumber,
    totalVolume: optionalNumber,
    quoteTime: optionalNumber,
    tradeTime: optionalNumber,
    delayed: optionalBoolean,
  }).nullish(),
  strategy: openEnum.optional(),
  interval: optionalNumber,
  isDelayed: optionalBoolean,
  isIndex: optionalBoolean,
  interestRate: optionalNumber,
  underlyingPrice: optionalNumber,
  volatility: analytic.optional(),
  daysToExpiration: optionalNumber,
  dividendYield: optionalNumber,
  numberOfContracts: optionalNumber,
  assetMainType: openEnum.optional(),
  assetSubType: openEnum.optional(),
  isChainTruncated: optionalBoolean,
  callExpDateMap: expDateMapSchema.optional(),
  putExpDateMap: expDateMapSchema.optional(),
});

export const expirationChainSchema = z.looseObject({
  expirationList: z.array(z.looseObject({
    expirationDate: z.string(),
    daysToExpiration: optionalNumber,
    expirationType: openEnum.optional(),
    settlementType: openEnum.optional(),
    optionRoots: optionalString,
    standard: optionalBoolean,
  })),
});

export type OptionContract = z.infer<typeof optionContractSchema>;
export type OptionChain = z.infer<typeof optionChainSchema>;
export type ExpirationChain = z.infer<typeof expirationChainSchema>;
