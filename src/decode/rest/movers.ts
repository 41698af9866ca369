// GET /marketdata/v1/movers/{index}?sort=…&frequency=… bodies (`{"screeners":[…]}`, schwab-protocol.md §6.7) →
// screener_items rows with source 'rest', next to the streamer's SCREENER_EQUITY/SCREENER_OPTION rows. REST movers
// are the same ranked lists: the entries have the streamer's names, and the row's screener_key is built the way the
// streamer keys its screeners, PREFIX_SORTFIELD_FREQUENCY (`$SPX_VOLUME_0`), so one query over a key reads both
// sources. The request says index, sort and frequency (Schwab's default frequency is 0, the whole day); a request
// without a sort gets the key PREFIX_FREQUENCY and a NULL sort_field. The body has no time: snapshot_time stays NULL
// and received_at is when it was captured. Values are stored as sent, netPercentChange included (docs/protocol.md:
// every real REST capture has the 2024 defect, 1.0 with netChange equal to lastPrice, so its unit cannot be checked
// there; the streamer's, from the same Schwab screener service, is a fraction as the column says).
import { jsonExcerpt } from '../json-text.js';
import { isObject } from '../item.js';
import { rowFrom, type NamedRow } from '../tables.js';
import { cellValue } from '../values.js';
import { emptyResult, type RestDecodeResult, type RestDecoder } from './types.js';
import { ENTRY_COLUMNS } from '../screener.js';

const TABLE = 'screener_items';
const MOVERS_PATH = /^\/marketdata\/v1\/movers\/([^/?]+)/;

interface MoversRequest {
  index: string;
  sort: string | null;
  frequency: number;
}

export const decodeMovers: RestDecoder = (body, context) => {
  const result = emptyResult();
  const request = moversRequest(context.path);
  if (!request.ok) return rejectBody(result, request.reason, body);
  const { index, sort, frequency } = request.value;
  if (!isObject(body) || !Array.isArray(body.screeners)) return rejectBody(result, 'movers body has no screeners list', body);
  const key = sort === null ? `${index}_${frequency}` : `${index}_${sort}_${frequency}`;
  const common = {
    received_at: context.receivedAt, source: 'rest', service: null, screener_key: key, sort_field: sort, frequency,
    snapshot_time: null,
  };
  const rows = [];
  for (let i = 0; i < body.screeners.length; i++) {
    const entry: unknown = body.screeners[i];
    // The rank of every later entry would be a guess: the whole list is quarantined, as the streamer's is.
    if (!isObject(entry)) return rejectBody(result, `movers ${key} entry ${i + 1} is not an object`, body);
    const symbol = entry.symbol;
    if (typeof symbol !== 'string' || symbol === '' || symbol.includes('\u0000')) {
      return rejectBody(result, `movers ${key} entry ${i + 1} has no symbol`, body);
    }
    const row: NamedRow = { ...common, rank: i + 1, symbol };
    for (const [column, field, kind, type] of ENTRY_COLUMNS) row[column] = cellValue(kind, entry[field], type);
    rows.push({ table: TABLE, row: rowFrom(TABLE, row) } as const);
  }
  result.rows.push(...rows);
  return result;
};

/** Index (from the path, URL-decoded: `%24SPX` is `$SPX`), sort and frequency of the request, or why not. */
function moversRequest(path: string): { ok: true; value: MoversRequest } | { ok: false; reason: string } {
  const match = MOVERS_PATH.exec(path);
  const index = match?.[1] === undefined ? null : decoded(match[1]);
  if (index === null || index === '' || index.includes('\u0000')) return { ok: false, reason: 'movers request has no index' };
  const query = new URLSearchParams(path.includes('?') ? path.slice(path.indexOf('?') + 1) : '');
  const frequencyText = query.get('frequency') ?? '0';
  if (!/^\d{1,4}$/.test(frequencyText)) return { ok: false, reason: 'movers request has an unknown frequency' };
  const sort = query.get('sort');
  if (sort !== null && !/^[A-Z_]{1,40}$/.test(sort)) return { ok: false, reason: 'movers request has an unknown sort' };
  return { ok: true, value: { index, sort, frequency: Number(frequencyText) } };
}

function decoded(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null; // a malformed escape: no index can be read from it
  }
}

/** A wire value as its column holds it: absent, a sentinel or a value the column cannot hold is NULL. */

function rejectBody(result: RestDecodeResult, reason: string, body: unknown): RestDecodeResult {
  result.rejects.push({ table: TABLE, reason, raw: jsonExcerpt(body) });
  return result;
}
