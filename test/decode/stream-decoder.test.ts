import { describe, expect, it } from 'vitest';
import { FRAME_REJECT_TABLE, StreamDecoder, type DecodeResult } from '../../src/decode/stream-decoder.js';
import { namedRow } from '../../src/decode/tables.js';
import { sampleLine, sampleLines } from '../support/samples.js';

const AT = 1712596160700;

const frameOf = (...blocks: unknown[]) => ({ data: blocks });
const block = (service: string, content: unknown) => ({ service, timestamp: AT, command: 'SUBS', content });
/** The rows of a result keyed by column name. */
const named = (result: DecodeResult) => result.rows.map(({ table, row }) => ({ table, row: namedRow(table, row) }));

describe('StreamDecoder.decodeFrame', () => {
  it('turns a LEVELONE_EQUITIES frame into one equity_quotes row per item, stamped with the capture time', () => {
    const result = new StreamDecoder().decodeFrame(sampleLine('stream-levelone-equities.jsonl', 1), AT);
    expect(named(result).map((r) => [r.table, r.row.symbol, r.row.received_at])).toEqual([
      ['equity_quotes', 'MSFT', AT], ['equity_quotes', 'GOOG', AT],
    ]);
    expect(result).toMatchObject({ rejects: [], unknown: [] });
  });

  it('routes each service of a mixed frame to its table (LEVELONE_EQUITIES and CHART_EQUITY)', () => {
    const equities = sampleLine('stream-levelone-equities.jsonl', 4) as { data: unknown[] };
    const chart = sampleLine('stream-chart-equity.jsonl', 2) as { data: unknown[] };
    const result = new StreamDecoder().decodeFrame({ data: [...equities.data, ...chart.data] }, AT);
    expect(named(result).map((r) => [r.table, r.row.symbol])).toEqual([
      ['equity_quotes', 'AMD'], ['equity_quotes', 'INTC'], ['price_data', 'AMD'],
    ]);
  });

  it('decodes LEVELONE_OPTIONS, CHART_EQUITY and ACCT_ACTIVITY frames into their tables', () => {
    const decoder = new StreamDecoder();
    const tables = (file: string, line: number) =>
      decoder.decodeFrame(sampleLine(file, line), AT).rows.map((r) => r.table);
    expect(tables('stream-levelone-options.jsonl', 1)).toEqual(['option_quotes', 'option_quotes']);
    expect(tables('stream-chart-equity.jsonl', 1)).toEqual(['price_data', 'price_data']);
    expect(tables('stream-acct-activity.jsonl', 1)).toEqual(['account_activity', 'account_activity', 'account_activity']);
  });

  it('treats a bare {service, content} object as one data block (acct-activity line 2 has no envelope)', () => {
    const result = new StreamDecoder().decodeFrame(sampleLine('stream-acct-activity.jsonl', 2), AT);
    expect(named(result).map((r) => [r.table, r.row.activity_seq, r.row.message_type])).toEqual([
      ['account_activity', 4, 'ExecutionRequestCreated'], ['account_activity', 5, 'ExecutionRequestCompleted'],
    ]);
    expect(result.rejects).toEqual([]);
  });

  it('produces nothing for response and notify frames (login, subscription acks, heartbeats)', () => {
    const frames = ['stream-login-response.jsonl', 'stream-subs-response.jsonl', 'stream-notify-heartbeat.jsonl']
      .flatMap(sampleLines);
    const decoder = new StreamDecoder();
    for (const frame of frames) expect(decoder.decodeFrame(frame, AT)).toEqual({ rows: [], rejects: [], unknown: [], untracked: [] });
  });

  it('reports an unknown service and keeps decoding the rest of the frame', () => {
    // TIMESALE_EQUITY: a TDA-era service Schwab does not serve (schwab-py#115).
    const frame = frameOf(block('TIMESALE_EQUITY', [{ key: 'AMD', '1': 1 }]), block('LEVELONE_EQUITIES', [{ key: 'AMD', '1': 1 }]));
    const result = new StreamDecoder().decodeFrame(frame, AT);
    expect(result.unknown).toEqual([{ service: 'TIMESALE_EQUITY', kind: 'service', name: 'TIMESALE_EQUITY' }]);
    expect(named(result).map((r) => r.row.symbol)).toEqual(['AMD']);
    expect(result.rejects).toEqual([]);
  });

  it('takes service names that are Object.prototype members for unknown services', () => {
    const result = new StreamDecoder().decodeFrame(frameOf(block('toString', [{}]), block('__proto__', [{}])), AT);
    expect(result).toEqual({
      rows: [], rejects: [],
      unknown: [{ service: 'toString', kind: 'service', name: 'toString' }, { service: '__proto__', kind: 'service', name: '__proto__' }],
      untracked: [],
    });
  });

  it('reports an unknown field once per frame and still decodes the known fields of every item', () => {
    const frame = frameOf(block('LEVELONE_EQUITIES', [{ key: 'AMD', '1': 1, '99': 2 }, { key: 'INTC', '2': 3, '99': 4 }]));
    const result = new StreamDecoder().decodeFrame(frame, AT);
    expect(result.unknown).toEqual([{ service: 'LEVELONE_EQUITIES', kind: 'field', name: '99' }]);
    expect(named(result).map((r) => [r.row.symbol, r.row.bid_price, r.row.ask_price])).toEqual([['AMD', 1, null], ['INTC', null, 3]]);
  });

  it.each([
    ['null', null, 'frame is null, not an object'],
    ['a number', 42, 'frame is a number, not an object'],
    ['an array', [], 'frame is an array, not an object'],
    ['an object of another shape', { requests: [] }, 'frame has no data, response or notify array (keys: requests)'],
    ['a data member that is not an array', { data: {} }, 'frame data is an object, not an array'],
  ])('rejects %s as a frame', (_what, frame, reason) => {
    const result = new StreamDecoder().decodeFrame(frame, AT);
    expect(result.rows).toEqual([]);
    expect(result.rejects).toEqual([{ table: FRAME_REJECT_TABLE, reason, raw: JSON.stringify(frame) }]);
  });

  it('rejects a data block without a service name on its own and decodes the other blocks', () => {
    const good = block('LEVELONE_EQUITIES', [{ key: 'AMD', '1': 1 }]);
    const result = new StreamDecoder().decodeFrame(frameOf({ content: [] }, 'x', good), AT);
    expect(named(result).map((r) => r.row.symbol)).toEqual(['AMD']);
    expect(result.rejects).toEqual([
      { table: FRAME_REJECT_TABLE, reason: 'data block has no service name', raw: '{"content":[]}' },
      { table: FRAME_REJECT_TABLE, reason: 'data block has no service name', raw: '"x"' },
    ]);
  });

  it('rejects a content that is not an array for the table of its service', () => {
    const result = new StreamDecoder().decodeFrame(frameOf(block('CHART_EQUITY', { key: 'AMD' })), AT);
    expect(result.rejects).toEqual([{
      table: 'price_data', reason: 'CHART_EQUITY content is an object, not an array',
      raw: JSON.stringify(block('CHART_EQUITY', { key: 'AMD' })),
    }]);
  });

  it('rejects a content item that is not an object with its raw JSON text, and keeps the other items', () => {
    const frame = frameOf(block('LEVELONE_OPTIONS', [7, { key: 'GOOG  240517C00070000', '2': 1 }, 'x', null]));
    const result = new StreamDecoder().decodeFrame(frame, AT);
    expect(result.rows).toHaveLength(1);
    expect(result.rejects).toEqual([
      { table: 'option_quotes', reason: 'LEVELONE_OPTIONS item is a number, not an object', raw: '7' },
      { table: 'option_quotes', reason: 'LEVELONE_OPTIONS item is a string, not an object', raw: '"x"' },
      { table: 'option_quotes', reason: 'LEVELONE_OPTIONS item is null, not an object', raw: 'null' },
    ]);
  });

  it('rejects an item its decoder refuses, naming the service and the reason', () => {
    const bar = { key: 'AMD', '2': 1, '3': 1, '4': 1, '5': 1, '6': 1 };
    const result = new StreamDecoder().decodeFrame(frameOf(block('CHART_EQUITY', [bar])), AT);
    expect(result.rejects).toEqual([
      { table: 'price_data', reason: 'CHART_EQUITY bar has no chart time (field 7)', raw: JSON.stringify(bar) },
    ]);
  });

  it('masks the account number in the raw text of a rejected ACCT_ACTIVITY item', () => {
    const item = { seq: 1, key: 'k', '1': '12345678', '3': '{"AccountNumber":"12345678"}' };
    const result = new StreamDecoder().decodeFrame(frameOf(block('ACCT_ACTIVITY', [item])), AT);
    expect(result.rejects).toHaveLength(1);
    expect(result.rejects[0]?.raw).not.toContain('12345678');
  });

  it('decodes every streamer sample without throwing', () => {
    const decoder = new StreamDecoder();
    const files = ['stream-levelone-equities.jsonl', 'stream-levelone-options.jsonl', 'stream-chart-equity.jsonl',
      'stream-acct-activity.jsonl', 'stream-doc-samples-streamer-guide.jsonl'];
    for (const frame of files.flatMap(sampleLines)) expect(() => decoder.decodeFrame(frame, AT)).not.toThrow();
  });
});

describe('StreamDecoder level-one state', () => {
  const SNAPSHOT = sampleLine('stream-levelone-equities.jsonl', 2);
  const DELTAS = sampleLine('stream-levelone-equities.jsonl', 3);

  it('merges the deltas of a later frame into the snapshots of an earlier one', () => {
    const decoder = new StreamDecoder();
    decoder.decodeFrame(SNAPSHOT, 1);
    const qqq = named(decoder.decodeFrame(DELTAS, 2)).find((r) => r.row.symbol === 'QQQ')?.row;
    expect(qqq).toMatchObject({ received_at: 2, bid_price: 440.96, ask_price: 440.79, description: 'INVSC QQQ TRUST SRS 1 ETF IV', delayed: true });
  });

  it('after reset, emits a delta for a key without state with only the delta\'s fields rather than holding it back', () => {
    const decoder = new StreamDecoder();
    decoder.decodeFrame(SNAPSHOT, 1);
    decoder.reset();
    const qqq = named(decoder.decodeFrame(DELTAS, 2)).find((r) => r.row.symbol === 'QQQ')?.row;
    expect(qqq).toMatchObject({
      received_at: 2, bid_price: 440.96, bid_size: 16, ask_size: 6, bid_id: 'Z',
      ask_price: null, description: null, delayed: null, cusip: null,
    });
  });

  it('keeps the state of equities and options apart', () => {
    const decoder = new StreamDecoder();
    decoder.decodeFrame(frameOf(block('LEVELONE_EQUITIES', [{ key: 'X', delayed: true, '1': 5 }])), 1);
    const result = decoder.decodeFrame(frameOf(block('LEVELONE_OPTIONS', [{ key: 'X', '3': 6 }])), 2);
    expect(named(result)[0]).toMatchObject({ table: 'option_quotes', row: { symbol: 'X', delayed: null, ask_price: 6 } });
  });
});

describe("Schwab's send time", () => {
  it('stamps every row of a data block with its timestamp, for every service, and NULL where it is missing or absurd', () => {
    const sent = AT - 250;
    const result = new StreamDecoder().decodeFrame(frameOf(
      { ...block('LEVELONE_EQUITIES', [{ key: 'AMD', '1': 1 }, { key: 'MSFT', '2': 2 }]), timestamp: sent },
      { ...block('LEVELONE_OPTIONS', [{ key: 'GOOG  240517C00070000', '2': 1 }]), timestamp: sent + 1 },
      { ...block('CHART_EQUITY', [{ key: 'AMD', '1': 0, '2': 1, '3': 2, '4': 0.5, '5': 1.5, '6': 10, '7': AT - 60_000 }]), timestamp: sent + 2 },
      { ...block('LEVELONE_EQUITIES', [{ key: 'QQQ', '1': 3 }]), timestamp: undefined },
      { ...block('LEVELONE_EQUITIES', [{ key: 'SPY', '1': 4 }]), timestamp: (AT - 250) * 1000 }, // microseconds
    ), AT);
    expect(named(result).map(({ table, row }) => [table, row.symbol, row.sent_at])).toEqual([
      ['equity_quotes', 'AMD', sent], ['equity_quotes', 'MSFT', sent], ['option_quotes', 'GOOG  240517C00070000', sent + 1],
      ['price_data', 'AMD', sent + 2], ['equity_quotes', 'QQQ', null], ['equity_quotes', 'SPY', null],
    ]);
  });
});
