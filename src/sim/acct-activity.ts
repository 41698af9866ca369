// ACCT_ACTIVITY message data (field 3): JSON strings shaped like stream-acct-activity.jsonl — protobuf-net
// decimals `{"lo","signScale"}`, `DateTimeString` US/Eastern wall clock without a zone, and the ExecutionRequestCompleted
// enums as strings on some orders and as integers on others, as both appear in real traffic.
import { activityDateTime, etDateOf } from './calendar.js';
import type { Instrument } from './instruments.js';

export type ActivityType =
  | 'OrderCreated' | 'OrderAccepted' | 'ExecutionRequested' | 'ExecutionRequestCreated' | 'ExecutionRequestCompleted'
  | 'ExecutionCreated' | 'OrderFillCompleted';

export interface ActivityOrder {
  orderId: number;
  accountNumber: string;
  instrument: Instrument;
  buy: boolean;
  quantity: number;
  limitPrice: number | undefined;
  bid: number;
  ask: number;
  bidSize: number;
  askSize: number;
  legId: number;
  enteredTime: number;
  route: string;
  integerEnums: boolean;
  fillPrice?: number;
  fillTime?: number;
  executionId?: string;
}

/** bcl.Decimal as protobuf-net writes it: lo = |value| × 10^6, signScale 12 (13 when negative); zero has no lo. */
export function bclDecimal(value: number): { lo?: string; signScale: number } {
  const lo = Math.round(Math.abs(value) * 1e6);
  if (lo === 0) return { signScale: 12 };
  return { lo: String(lo), signScale: value < 0 ? 13 : 12 };
}

const when = (ms: number): { DateTimeString: string } => ({ DateTimeString: activityDateTime(ms) });
const day = (ms: number): { DateTimeString: string } => ({ DateTimeString: etDateOf(ms) });

function quote(order: ActivityOrder, at: number): Record<string, unknown> {
  return {
    Ask: bclDecimal(order.ask), AskSize: { lo: String(order.askSize) }, Bid: bclDecimal(order.bid),
    BidSize: { lo: String(order.bidSize) }, QuoteTimestamp: when(at), Symbol: order.instrument.symbol,
    QuoteTypeCode: 'Mark', Mid: bclDecimal((order.bid + order.ask) / 2), SchwabOrderID: String(order.orderId),
  };
}

function clientOrderId(order: ActivityOrder): string {
  return `${order.orderId}.1`;
}

function executionStrategy(order: ActivityOrder): Record<string, unknown> {
  if (order.limitPrice === undefined) return { Type: 'ES_Market', MarketExecutionStrategy: { Type: 'ES_Market' } };
  return {
    Type: 'ES_Limit',
    LimitExecutionStrategy: { Type: 'ES_Limit', LimitPrice: bclDecimal(order.limitPrice), LimitPriceUnitCode: 'Units' },
  };
}

function body(order: ActivityOrder, at: number, type: ActivityType): Record<string, unknown> {
  const id = String(order.orderId);
  const legId = String(order.legId);
  const estimated = (order.limitPrice ?? order.ask) * order.quantity * (order.buy ? -1 : 1);
  const fillPrice = order.fillPrice ?? order.ask;
  const fillTime = order.fillTime ?? at;
  switch (type) {
    case 'OrderCreated':
      return {
        OrderCreatedEventEquityOrder: {
          EventType: type,
          Order: {
            SchwabOrderID: id,
            AccountNumber: order.accountNumber,
            Order: {
              AccountInfo: {
                AccountNumber: order.accountNumber, AccountBranch: 'GR', CustomerOrFirmCode: 'CustomerOrFirmCode_Customer',
                OrderPlacementCustomerID: '100000001', AccountState: 'MI', AccountTypeCode: 'Customer',
              },
              ClientChannelInfo: { ClientProductCode: 'MO', EventUserID: 'SIMX', EventUserType: 'Client' },
              LifecycleCreatedTimestamp: when(order.enteredTime),
              LifecycleSchwabOrderID: id,
              EntryTimestamp: when(order.enteredTime),
              ExpiryTimeStamp: day(order.enteredTime),
              AutoConfirm: true,
              PlanSubmitDate: day(order.enteredTime),
              SourceOMS: 'ngOMS',
              FirmID: 'CHAS',
              OrderAccount: 'TDAAccount',
              AssetOrderEquityOrderLeg: {
                OrderInstruction: {
                  HandlingInstructionCode: 'AutomatedExecutionNoIntervention', ExecutionStrategy: executionStrategy(order),
                  PreferredRoute: {}, EquityOrderInstruction: {},
                },
                CommissionInfo: {
                  EstimatedOrderQuantity: bclDecimal(order.quantity), EstimatedPrincipalAmount: bclDecimal(estimated),
                  EstimatedCommissionAmount: bclDecimal(0),
                },
                AssetType: 'MajorAssetType_Equity',
                TimeInForce: 'Day',
                OrderTypeCode: order.limitPrice === undefined ? 'Market' : 'Limit',
                OrderLegs: [{
                  LegID: legId, LegParentSchwabOrderID: id, Quantity: bclDecimal(order.quantity),
                  QuantityUnitCodeType: 'SharesOrUnits', LeavesQuantity: bclDecimal(order.quantity),
                  BuySellCode: order.buy ? 'Buy' : 'Sell',
                  Security: {
                    SchwabSecurityID: String(order.instrument.ssid), Symbol: order.instrument.symbol,
                    UnderlyingSymbol: order.instrument.symbol, PrimaryExchangeCode: order.instrument.exchange,
                    MajorAssetType: 'MajorAssetType_Equity', PrimaryMarketSymbol: order.instrument.symbol,
                    ShortDescriptionText: order.instrument.longDescription.slice(0, 20),
                    ShortName: order.instrument.longDescription.slice(0, 20), CUSIP: order.instrument.cusip,
                    OptionsSecurityInfo: {},
                  },
                  QuoteOnOrderAcceptance: quote(order, order.enteredTime),
                  LegClientRequestInfo: { SecurityId: order.instrument.symbol, SecurityIdTypeCd: 'Symbol' },
                  AccountingRuleCode: 'Margin',
                  EstimatedNetAmount: bclDecimal(estimated),
                  EstimatedPrincipalAmnt: bclDecimal(estimated),
                  EquityOrderLeg: {},
                }],
                OrderCapacityCode: 'OC_Agency',
                SettlementType: 'SettlementType_Regular',
                Rule80ACode: 73,
                SolicitedCode: 'Unsolicited',
                EquityOrder: { TradingSessionCodeOnOrder: 'REG' },
              },
            },
          },
        },
      };
    case 'OrderAccepted':
      return {
        OrderAcceptedEvent: {
          EventType: type, CreatedTimeStamp: when(at), ExpiryTimeStamp: day(at), Status: 'Open',
          TradingSessionCodeOnOrderEntry: 'REG', QuoteOnOrderEntry: [quote(order, order.enteredTime)],
        },
      };
    case 'ExecutionRequested':
      return {
        ExecutionRequestedEventRoutedInfo: {
          EventType: type,
          RouteSequenceNumber: 1,
          RouteInfo: {
            RouteName: order.route, RouteSequenceNumber: 1, RoutedExecutionTimestamp: when(at), Quote: quote(order, at),
            RouteRequestedType: 'New', RoutedQuantity: bclDecimal(order.quantity),
            RoutedPrice: bclDecimal(order.limitPrice ?? order.ask), RouteStatus: 'RouteCreated',
            ClientOrderID: clientOrderId(order), RoutedTime: when(at), RouteTimeInForce: 'Day', RouteAcknowledgmentTimeStamp: {},
          },
          RouteRequestedBy: 'RR_Broker',
          LegId: legId,
        },
      };
    case 'ExecutionRequestCreated':
      return {
        ExecutionRequestCreatedEvent: {
          EventType: type, LegId: legId, RouteName: order.route, RouteRequestType: 'New', RouteSequenceNumber: 1,
          RouteRequestedBy: 'RR_Broker', RouteStatus: 'RouteFixAcknowledged', SenderCompID: 'CHASBL01',
          RoutedTime: when(at), ClientOrderID: clientOrderId(order),
        },
      };
    case 'ExecutionRequestCompleted':
      return {
        ExecutionRequestCompletedEvent: {
          EventType: type, LegId: legId, ResponseType: order.integerEnums ? 7 : 'Accepted',
          ExchangeOrderID: String(order.orderId * 7 + 1), ExecutionTime: when(at), RouteSequenceNumber: 1,
          RouteStatus: order.integerEnums ? 8 : 'RouteVenueAccepted', RouteAcknowledgmentTimeStamp: when(at),
          ClientOrderID: clientOrderId(order),
        },
      };
    case 'ExecutionCreated':
      return {
        ExecutionCreatedEventExecutionInfo: {
          EventType: type,
          LegId: legId,
          ExecutionInfo: {
            ExecutionSequenceNumber: 1, ExecutionId: order.executionId, ExecutionQuantity: bclDecimal(order.quantity),
            ExecutionPrice: bclDecimal(fillPrice), ExecutionTimeStamp: when(fillTime), ExecutionTransType: 'Fill',
            ExecutionCapacityCode: 'Agency', RouteName: order.route, RouteSequenceNumber: 1,
            VenuExecutionTimeStamp: when(fillTime - 40), ReportingCapacityCode: 'RC_Agency', AsOfTimeStamp: {},
            ClientOrderID: clientOrderId(order),
          },
          AsOfTimeStamp: when(fillTime),
          RouteSequenceNumber: 1,
        },
      };
    case 'OrderFillCompleted':
      return {
        OrderFillCompletedEventOrderLegQuantityInfo: {
          EventType: type,
          LegId: legId,
          LegStatus: 'LegClosed',
          QuantityInfo: {
            ExecutionID: order.executionId, CumulativeQuantity: bclDecimal(order.quantity), LeavesQuantity: bclDecimal(0),
            AveragePrice: bclDecimal(fillPrice),
          },
          PriceImprovement: bclDecimal(order.limitPrice === undefined ? 0 : Math.abs(order.limitPrice - fillPrice)),
          LegSubStatus: 'LegSubStatusFilled',
          ExecutionInfo: {
            ExecutionSequenceNumber: 1, ExecutionId: order.executionId, VenueExecutionID: String(order.orderId * 3 + 11),
            ExecutionQuantity: bclDecimal(order.quantity), ExecutionPrice: bclDecimal(fillPrice),
            ExecutionTimeStamp: when(fillTime), ExecutionTransType: 'Fill', ExecutionBroker: 'CDRG',
            ExecutionCapacityCode: 'Agency', RouteName: order.route, RouteSequenceNumber: 1,
            VenuExecutionTimeStamp: when(fillTime - 40), ReportingCapacityCode: 'RC_Agency',
            PrincipalAmmount: bclDecimal(fillPrice * order.quantity), ActualChargedCommissionAmount: bclDecimal(0),
            AsOfTimeStamp: {},
            ActualChargedFeesCommissionAndTax: {
              StateTaxWithholding: bclDecimal(0), FederalTaxWithholding: bclDecimal(0), SECFees: bclDecimal(0),
              ORF: bclDecimal(0), FTT: bclDecimal(0), TaxWithholding1446: bclDecimal(0), GoodsAndServicesTax: bclDecimal(0),
              IOF: bclDecimal(0), TAF: bclDecimal(0), CommissionAmount: bclDecimal(0),
            },
            ClientOrderID: clientOrderId(order),
          },
          OrderInfoForTransactionPosting: {
            LimitPrice: order.limitPrice === undefined ? {} : bclDecimal(order.limitPrice),
            OrderTypeCode: order.limitPrice === undefined ? 'Market' : 'Limit', BuySellCode: order.buy ? 'Buy' : 'Sell',
            Quantity: bclDecimal(order.quantity), StopPrice: {}, Symbol: order.instrument.symbol,
            SchwabSecurityID: String(order.instrument.ssid), SolicitedCode: 'Unsolicited', AccountingRuleCode: 'Cash',
            SettlementType: 'SettlementType_Regular', OrderCreatedUserID: 'SIMX', OrderCreatedUserType: 'Venue',
            ClientProductCode: 'MO',
          },
        },
      };
  }
}

/** Field 3 of an ACCT_ACTIVITY item: the message data as a JSON string. */
export function activityMessage(order: ActivityOrder, type: ActivityType, at: number): string {
  return JSON.stringify({
    SchwabOrderID: String(order.orderId),
    AccountNumber: order.accountNumber,
    BaseEvent: { EventType: type, ...body(order, at, type) },
  });
}

/** `20250320-EST-ngOMS-1234567`, the execution id format of real fills. */
export function executionId(fillTime: number, sequence: number): string {
  return `${etDateOf(fillTime).replaceAll('-', '')}-EST-ngOMS-${String(sequence).padStart(7, '0')}`;
}
