// CHART_EQUITY items → price_data minute bars. Field order is the one real traffic uses (fields.ts CHART_EQUITY),
// not the Streamer Guide's (docs/protocol.md). Sequence (1) and chart day (8) are derivable from the chart time and
// are not stored.
import { CHART_EQUITY } from '../schwab/fields.js';
import { minuteBarDecoder } from './minute-bar.js';

export const decodeChartEquity = minuteBarDecoder(CHART_EQUITY);
