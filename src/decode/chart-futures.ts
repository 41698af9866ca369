// CHART_FUTURES items → price_data minute bars, next to the equity bars (a futures symbol starts with "/", so the two
// never share a key). Field order is the Guide's and real traffic's (fields.ts CHART_FUTURES): chart time is field 1,
// unlike CHART_EQUITY. Volume is in contracts.
import { CHART_FUTURES } from '../schwab/fields.js';
import { minuteBarDecoder } from './minute-bar.js';

export const decodeChartFutures = minuteBarDecoder(CHART_FUTURES);
