// GET /trader/v1/accounts/{hash}/transactions. No `user` object in real rows (the spec has one); fees are their own
// transfer items with a CURRENCY_USD instrument and a feeType; accountNumber is a string.
import { z } from 'zod';
import { accountNumber, openEnum, optionalNumber, optionalString } from './common.js';

const transferItem = z.looseObject({
  instrument: z.looseObject({
    assetType: openEnum.optional(),
    status: openEnum.optional(),
    symbol: optionalString,
    description: optionalString,
    instrumentId: optionalNumber,
    closingPrice: optionalNumber,
    type: openEnum.optional(),
    cusip: optionalString,
  }).optional(),
  amount: optionalNumber,
  cost: optionalNumber,
  price: optionalNumber,
  feeType: openEnum.optional(),
  positionEffect: openEnum.optional(),
});

export const transactionSchema = z.looseObject({
  activityId: z.number(),
  time: z.string(),
  type: openEnum,
  description: optionalString,
  accountNumber: accountNumber.optional(),
  status: openEnum.optional(),
  subAccount: openEnum.optional(),
  tradeDate: optionalString,
  settlementDate: optionalString,
  positionId: optionalNumber,
  orderId: optionalNumber,
  netAmount: optionalNumber,
  activityType: openEnum.optional(),
  user: z.looseObject({}).optional(),
  transferItems: z.array(transferItem).optional(),
});

export const transactionsSchema = z.array(transactionSchema);

export type Transaction = z.infer<typeof transactionSchema>;
export type Transactions = z.infer<typeof transactionsSchema>;
