// GET /trader/v1/accounts/{hash}/orders and /trader/v1/orders. accountNumber is a number here (a string in
// transactions); executionType CANCELED occurs beside FILL; OCO/TRIGGER parents carry childOrderStrategies and may
// have no legs of their own, so only the order's identity is required.
import { z } from 'zod';
import { accountNumber, openEnum, optionalBoolean, optionalNumber, optionalString } from './common.js';

const orderInstrument = z.looseObject({
  assetType: openEnum,
  cusip: optionalString,
  symbol: optionalString,
  description: optionalString,
  instrumentId: optionalNumber,
  type: openEnum.optional(),
  putCall: openEnum.optional(),
  underlyingSymbol: optionalString,
});

const orderLeg = z.looseObject({
  orderLegType: openEnum.optional(),
  legId: optionalNumber,
  instrument: orderInstrument.optional(),
  instruction: openEnum.optional(),
  positionEffect: openEnum.optional(),
  quantity: optionalNumber,
  quantityType: openEnum.optional(),
  divCapGains: openEnum.optional(),
  toSymbol: optionalString,
});

const executionLeg = z.looseObject({
  legId: optionalNumber,
  quantity: optionalNumber,
  mismarkedQuantity: optionalNumber,
  price: optionalNumber,
  time: optionalString,
  instrumentId: optionalNumber,
});

const orderActivity = z.looseObject({
  activityType: openEnum.optional(),
  activityId: optionalNumber,
  executionType: openEnum.optional(),
  quantity: optionalNumber,
  orderRemainingQuantity: optionalNumber,
  executionLegs: z.array(executionLeg).optional(),
});

const orderFields = {
  orderId: z.number(),
  status: openEnum,
  enteredTime: z.string(),
  closeTime: optionalString,
  session: openEnum.optional(),
  duration: openEnum.optional(),
  orderType: openEnum.optional(),
  complexOrderStrategyType: openEnum.optional(),
  orderStrategyType: openEnum.optional(),
  quantity: optionalNumber,
  filledQuantity: optionalNumber,
  remainingQuantity: optionalNumber,
  requestedDestination: optionalString,
  destinationLinkName: optionalString,
  price: optionalNumber,
  stopPrice: optionalNumber,
  activationPrice: optionalNumber,
  cancelTime: optionalString,
  releaseTime: optionalString,
  cancelable: optionalBoolean,
  editable: optionalBoolean,
  tag: optionalString,
  accountNumber: accountNumber.optional(),
  statusDescription: optionalString,
  orderLegCollection: z.array(orderLeg).optional(),
  orderActivityCollection: z.array(orderActivity).optional(),
};

export interface Order extends z.infer<z.ZodObject<typeof orderFields>> {
  replacingOrderCollection?: Order[] | undefined;
  childOrderStrategies?: Order[] | undefined;
  [key: string]: unknown;
}

export const orderSchema: z.ZodType<Order> = z.looseObject({
  ...orderFields,
  get replacingOrderCollection() {
    return z.array(orderSchema).optional();
  },
  get childOrderStrategies() {
    return z.array(orderSchema).optional();
  },
});

export const ordersSchema = z.array(orderSchema);

export type Orders = Order[];
