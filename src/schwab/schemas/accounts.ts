// GET /trader/v1/accounts/accountNumbers, /accounts, /accounts/{hash}. Every account path takes the hashValue.
import { z } from 'zod';
import { accountNumber, openEnum, optionalBoolean, optionalNumber, optionalString } from './common.js';

export const accountNumbersSchema = z.array(z.looseObject({ accountNumber, hashValue: z.string() }));

const instrument = z.looseObject({
  assetType: openEnum,
  cusip: optionalString,
  symbol: optionalString,
  description: optionalString,
  instrumentId: optionalNumber,
  netChange: optionalNumber,
  type: openEnum.optional(),
});

const position = z.looseObject({
  shortQuantity: optionalNumber,
  averagePrice: optionalNumber,
  currentDayProfitLoss: optionalNumber,
  currentDayProfitLossPercentage: optionalNumber,
  longQuantity: optionalNumber,
  settledLongQuantity: optionalNumber,
  settledShortQuantity: optionalNumber,
  agedQuantity: optionalNumber,
  instrument,
  marketValue: optionalNumber,
  maintenanceRequirement: optionalNumber,
  averageLongPrice: optionalNumber,
  averageShortPrice: optionalNumber,
  longOpenProfitLoss: optionalNumber,
  shortOpenProfitLoss: optionalNumber,
  previousSessionLongQuantity: optionalNumber,
  previousSessionShortQuantity: optionalNumber,
  currentDayCost: optionalNumber,
});

/** Balances differ by account type (CASH vs MARGIN); the common ones are typed, the rest kept. */
const balances = z.looseObject({
  cashBalance: optionalNumber,
  liquidationValue: optionalNumber,
  buyingPower: optionalNumber,
  cashAvailableForTrading: optionalNumber,
  cashAvailableForWithdrawal: optionalNumber,
  accountValue: optionalNumber,
  equity: optionalNumber,
  isInCall: optionalBoolean,
});

export const accountSchema = z.looseObject({
  securitiesAccount: z.looseObject({
    type: openEnum,
    accountNumber,
    roundTrips: optionalNumber,
    isDayTrader: optionalBoolean,
    isClosingOnlyRestricted: optionalBoolean,
    pfcbFlag: optionalBoolean,
    positions: z.array(position).nullish(),
    initialBalances: balances.optional(),
    currentBalances: balances.optional(),
    projectedBalances: balances.optional(),
  }),
  aggregatedBalance: z.looseObject({ currentLiquidationValue: optionalNumber, liquidationValue: optionalNumber }).optional(),
});

export const accountsSchema = z.array(accountSchema);

export type AccountNumbers = z.infer<typeof accountNumbersSchema>;
export type Account = z.infer<typeof accountSchema>;
export type Accounts = z.infer<typeof accountsSchema>;
