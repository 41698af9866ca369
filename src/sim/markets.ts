// GET /marketdata/v1/markets bodies, shaped like rest-markets-equity-option-2024-10-18.json: session hours with
// US/Eastern offsets on trading days, the lowercase-product `isOpen:false` shape on closed days.
import { etMs, isEarlyClose, isTradingDay, marketHoursTime, type IsoDate } from './calendar.js';

export const SIMULATED_MARKETS = ['equity', 'option'] as const;
export type SimulatedMarket = (typeof SIMULATED_MARKETS)[number];

const span = (date: IsoDate, from: [number, number], to: [number, number]): { start: string; end: string } => ({
  start: marketHoursTime(etMs(date, from[0], from[1])),
  end: marketHoursTime(etMs(date, to[0], to[1])),
});

export function marketHours(markets: readonly SimulatedMarket[], date: IsoDate): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const open = isTradingDay(date);
  const early = isEarlyClose(date);
  const close: [number, number] = early ? [13, 0] : [16, 0];
  for (const market of markets) {
    const marketType = market.toUpperCase();
    if (!open) {
      body[market] = { [market]: { date, marketType, product: market, isOpen: false } };
      continue;
    }
    if (market === 'equity') {
      body[market] = {
        EQ: {
          date, marketType, product: 'EQ', productName: 'equity', isOpen: true,
          sessionHours: {
            preMarket: [span(date, [7, 0], [9, 30])],
            regularMarket: [span(date, [9, 30], close)],
            postMarket: [span(date, close, early ? [17, 0] : [20, 0])],
          },
        },
      };
    } else {
      body[market] = {
        EQO: {
          date, marketType, product: 'EQO', productName: 'equity option', isOpen: true,
          sessionHours: { regularMarket: [span(date, [9, 30], close)] },
        },
        IND: {
          date, marketType, product: 'IND', productName: 'index option', isOpen: true,
          sessionHours: { regularMarket: [span(date, [9, 30], [close[0], 15])] },
        },
      };
    }
  }
  return body;
}
