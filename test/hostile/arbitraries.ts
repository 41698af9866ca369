// Generators of hostile streamer frames and recording lines, each with what the recorder must make of it, so a
// property can assert exact outcomes. Valid shapes follow the real frames of test/fixtures/samples and the field
// tables of src/schwab/fields.ts; everything is built as JSON TEXT, not objects: -0, 1e400, lone surrogate escapes
// and 200,000 levels of nesting must reach the recorder exactly as a peer would send them.
import fc from 'fast-check';
import { ACCT_ACTIVITY, CHART_EQUITY, LEVELONE_EQUITIES } from '../../src/schwab/fields.js';
import { contentOf, sampleLine } from '../support/samples.js';

/**
 * What one line (or frame) must leave in the database, looked up by its seq:
 * - noop: nothing at all (an ack, a heartbeat, an unknown service or event);
 * - reject: at least one rejected_rows row, and no data row;
 * - rows: exactly `count` rows in `table` (tables with a seq column), no rejected row;
 * - bars: one price_data row per symbol (price_data has no seq column), no rejected row;
 * - accounted: stored or quarantined, either is right (the issue leaves the choice open, e.g. a lone surrogate in
 *   jsonb): at least one row in `table` or in rejected_rows.
 */
export type Expectation =
  | { kind: 'noop' }
  | { kind: 'reject' }
  | { kind: 'rows'; table: SeqTable; count: number }
  | { kind: 'bars'; symbols: string[] }
  | { kind: 'accounted'; table: SeqTable };

export type SeqTable = 'equity_quotes' | 'account_activity' | 'stream_events';

/** A frame as a peer sends it (a Buffer when its bytes are not valid UTF-8), and what it must come to. */
export interface WireFrame {
  label: string;
  wire: string | Buffer;
  expect: Expectation;
}

/** A recording line, given its seq and ts, and what it must come to. */
export interface HostileLine {
  label: string;
  text(seq: number, ts: number): string;
  expect: Expectation;
}

const json = (value: unknown): string => JSON.stringify(value);

/** fast-check prints a counterexample by its label: the text may be megabytes or 200,000 brackets. */
function printable<T extends { label: string }>(value: T): T {
  return Object.assign(value, { [fc.toStringMethod]: () => JSON.stringify(value.label.slice(0, 200)) });
}

// ---- valid level-one equity snapshots (the rows whose exact values a test knows)

const SAMPLE_ITEM = contentOf(sampleLine('stream-levelone-equities.jsonl', 1))[0]!;

export interface ValidQuote {
  symbol: string;
  bid: number;
  ask: number;
  last: number;
  volume: number;
  quoteTime: number;
}

/** A full snapshot item (metadata and every field), as the first item of a key after SUBS. */
export function snapshotItem(quote: ValidQuote): Record<string, unknown> {
  return { ...SAMPLE_ITEM, key: quote.symbol, 1: quote.bid, 2: quote.ask, 3: quote.last, 8: quote.volume, 34: quote.quoteTime };
}

export function levelOneFrame(items: readonly unknown[], service = 'LEVELONE_EQUITIES'): string {
  return json({ data: [{ service, timestamp: 1715777956144, command: 'SUBS', content: items }] });
}

const price = fc.double({ min: 1, max: 5000, noNaN: true }).map((p) => Math.round(p * 100) / 100);

/** Snapshots of 1–3 quotes; `symbol` names them (distinct across a recording, so each has exactly one row). */
export const validQuotes = fc.array(fc.record({
  bid: price, ask: price, last: price,
  volume: fc.integer({ min: 0, max: 2_000_000_000 }),
  quoteTime: fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 }),
}), { minLength: 1, maxLength: 3 });

// ---- values of the wrong type, as JSON text

/** Wrong for every field: strings, NaN-as-string, booleans, null, containers, extremes, times in µs/ns, negatives. */
export const WRONG_VALUES = [
  '"NaN"', '"Infinity"', '""', '"417.01"', 'true', 'false', 'null', '{}', '[]', '[1,2]', '{"a":{"b":[]}}',
  '1e308', '-1e308', '1e400', '-1e400', '-0', '9223372036854775808', '-9223372036854775808', '18446744073709551616',
  '1715777955574000', '1715777955574000000', '-1715777955574', '-1', '-999', '0.5', '"\\u0000"', '"a\\u0000b"',
  '"\\ud800"', '"\\udfff"', '"x\\ud800y"',
] as const;
const wrongValue = fc.constantFrom(...WRONG_VALUES);

/** Values a required CHART_EQUITY number cannot be: each makes the bar unstorable. */
const BAD_BAR_NUMBERS = ['"NaN"', '"421.65"', 'true', 'null', '{}', '[]', '1e308', '1e400', '-1e400', '9223372036854775808'];
/** Bar times no minute bar has: µs and ns epochs, before 1990 (negative, zero), past 2100, and non-numbers. */
const BAD_BAR_TIMES = [
  ...BAD_BAR_NUMBERS, '1715903940000000', '1715903940000000000', '-1715903940000', '0', '4102444800000000', '4133980800000',
];
const BAD_KEYS = ['1', 'null', '""', '{}', '[]', 'true', '["AAPL"]'];

/** `{"key":…,"1":…}` from [name, JSON text] pairs; a later pair overrides an earlier one of the same name. */
function itemText(fields: ReadonlyArray<readonly [string, string]>): string {
  const merged = new Map<string, string>();
  for (const [name, value] of fields) merged.set(name, value);
  return `{${[...merged].map(([name, value]) => `${json(name)}:${value}`).join(',')}}`;
}

function sampleFields(key: string): Array<[string, string]> {
  return Object.entries(SAMPLE_ITEM).map(([name, value]): [string, string] => [name, name === 'key' ? json(key) : json(value)])
    .sort(([a], [b]) => (a === 'key' ? -1 : b === 'key' ? 1 : 0));
}

function dataFrame(service: string, items: readonly string[], block: Record<string, string> = { timestamp: '1715777956144', command: '"SUBS"' }): string {
  const head = Object.entries(block).map(([k, v]) => `${json(k)}:${v}`).join(',');
  return `{"data":[{"service":${json(service)}${head ? `,${head}` : ''},"content":[${items.join(',')}]}]}`;
}

/** Keys of hostile level-one items: never one of the valid quotes' symbols, so their rows stay exact. */
let hostileKeys = 0;
const hostileKey = (prefix: string): string => `${prefix}${(hostileKeys++).toString(36).toUpperCase()}`;

// ---- frames

const LEVEL_ONE_FIELDS = Object.keys(LEVELONE_EQUITIES);

/** A level-one item with valid key and 1–4 fields of the wrong type: a row with those columns NULL (and flagged). */
const levelOneWrongTypes = fc.tuple(
  fc.array(fc.tuple(fc.constantFrom(...LEVEL_ONE_FIELDS, 'delayed', 'assetMainType', 'cusip', '99'), wrongValue), { minLength: 1, maxLength: 4 }),
  fc.boolean(),
).map(([wrong, snapshot]): WireFrame => {
  const key = hostileKey('HX');
  const base: Array<[string, string]> = snapshot ? sampleFields(key) : [['key', json(key)]];
  return { label: `LEVELONE_EQUITIES ${wrong.map(([f, v]) => `${f}=${v}`).join(' ')}`, wire: dataFrame('LEVELONE_EQUITIES', [itemText([...base, ...wrong])]), expect: { kind: 'rows', table: 'equity_quotes', count: 1 } };
});

const levelOneBadKey = fc.constantFrom(...BAD_KEYS, undefined).map((key): WireFrame => {
  const fields = sampleFields('x').filter(([name]) => name !== 'key');
  return { label: `LEVELONE_EQUITIES key=${key ?? 'missing'}`, wire: dataFrame('LEVELONE_EQUITIES', [itemText(key === undefined ? fields : [['key', key], ...fields])]), expect: { kind: 'reject' } };
});

function barFields(symbol: string, minute: number): Array<[string, string]> {
  return [['seq', '0'], ['key', json(symbol)], ['1', '779'], ['2', '421.65'], ['3', '421.79'], ['4', '421.65'], ['5', '421.755'],
    ['6', '26.0'], ['7', String(1715903940000 + minute * 60_000)], ['8', '19859']];
}

/** A CHART_EQUITY bar whose key, price, volume or time is unusable: quarantined. */
const chartBad = fc.oneof(
  fc.tuple(fc.constantFrom('2', '3', '4', '5', '6'), fc.constantFrom(...BAD_BAR_NUMBERS)),
  fc.tuple(fc.constant('7'), fc.constantFrom(...BAD_BAR_TIMES)),
  fc.tuple(fc.constant('key'), fc.constantFrom(...BAD_KEYS, '"TOOLONGSYMBOL"')),
).map(([field, value]): WireFrame => ({
  label: `CHART_EQUITY ${field}=${value}`,
  wire: dataFrame('CHART_EQUITY', [itemText([...barFields(hostileKey('HB'), 0), [field, value]])]),
  expect: { kind: 'reject' },
}));

/** A bar with a wrong sequence (1), chart day (8), seq or an unknown field: those are not stored, so the bar is. */
const chartIgnoredWrong = fc.tuple(fc.constantFrom(String(CHART_EQUITY.sequence), String(CHART_EQUITY.chartDay), 'seq', '99'), wrongValue, fc.nat(10_000))
  .map(([field, value, minute]): WireFrame => {
    const symbol = hostileKey('HC');
    return { label: `CHART_EQUITY ${field}=${value}`, wire: dataFrame('CHART_EQUITY', [itemText([...barFields(symbol, minute), [field, value]])]), expect: { kind: 'bars', symbols: [symbol] } };
  });

function activityFields(): Array<[string, string]> {
  return [['seq', '1'], ['key', '"Account Activity"'], [String(ACCT_ACTIVITY.account), '"...123"'], [String(ACCT_ACTIVITY.messageType), '"OrderCreated"'],
    [String(ACCT_ACTIVITY.messageData), json(json({ SchwabOrderID: '1000123', BaseEvent: { EventType: 'OrderCreated' } }))]];
}

const activityBadType = fc.constantFrom('1', 'null', '{}', '[]', 'true', '1e400', undefined).map((value): WireFrame => {
  const fields = activityFields().filter(([name]) => name !== String(ACCT_ACTIVITY.messageType));
  return { label: `ACCT_ACTIVITY 2=${value ?? 'missing'}`, wire: dataFrame('ACCT_ACTIVITY', [itemText(value === undefined ? fields : [...fields, ['2', value]])]), expect: { kind: 'reject' } };
});

/** Message data holding what jsonb cannot store as is: a lone surrogate escape (stored or quarantined). */
const JSONB_SURROGATE = json(json({ x: '\ud800' }));
/** NUL in message text and in message data: PostgreSQL cannot store it, so it is escaped or stripped (issue §3). */
const NUL_MESSAGES = [json('Order \u0000 filled'), json(json({ note: 'a\u0000b' }))];

const activityWrongTypes = fc.tuple(fc.constantFrom('1', '3', 'key', 'seq'), fc.constantFrom(...WRONG_VALUES, ...NUL_MESSAGES, JSONB_SURROGATE))
  .map(([field, value]): WireFrame => {
    const surrogateJson = field === '3' && (value === JSONB_SURROGATE || value === '"\\ud800"' || value === '"\\udfff"' || value === '"x\\ud800y"');
    return {
      label: `ACCT_ACTIVITY ${field}=${value}`,
      wire: dataFrame('ACCT_ACTIVITY', [itemText([...activityFields(), [field, value]])]),
      expect: surrogateJson ? { kind: 'accounted', table: 'account_activity' } : { kind: 'rows', table: 'account_activity', count: 1 },
    };
  });

/** Frames that cannot be split into items, or whose blocks and items lack their parts. */
const brokenStructure = fc.constantFrom<[string, Expectation['kind']]>(
  ['{"data":{}}', 'reject'], ['{"data":"x"}', 'reject'], ['{"data":null}', 'reject'], ['{"data":[null]}', 'reject'],
  ['{"data":[{"content":[{"key":"HXNOSERVICE","1":1}]}]}', 'reject'], ['{"data":[{"service":7,"content":[]}]}', 'reject'],
  ['{"data":[{"service":"LEVELONE_EQUITIES"}]}', 'reject'], ['{"data":[{"service":"LEVELONE_EQUITIES","content":{}}]}', 'reject'],
  ['{"data":[{"service":"LEVELONE_EQUITIES","content":[1,"x",null,[]]}]}', 'reject'],
  ['{"data":[{"service":"CHART_EQUITY","content":"bars"}]}', 'reject'], ['{"data":[{"service":"ACCT_ACTIVITY","content":[false]}]}', 'reject'],
  ['{"service":"LEVELONE_EQUITIES","content":7}', 'reject'], ['{}', 'reject'], ['[]', 'reject'], ['null', 'reject'], ['"frame"', 'reject'],
  ['{"data":[]}', 'noop'], ['{"data":[{"service":"LEVELONE_EQUITIES","content":[]}]}', 'noop'],
).map(([wire, kind]): WireFrame => ({ label: wire, wire, expect: kind === 'noop' ? { kind: 'noop' } : { kind: 'reject' } }));

/** A block without timestamp and command (only service and content count): its item is a row. */
const blockWithoutHeader = fc.constant(null).map((): WireFrame => ({
  label: 'LEVELONE_EQUITIES block without timestamp/command',
  wire: dataFrame('LEVELONE_EQUITIES', [itemText([['key', json(hostileKey('HX'))], ['1', '1.5']])], {}),
  expect: { kind: 'rows', table: 'equity_quotes', count: 1 },
}));

/** Any JSON that is not a frame: not an object, or an object with none of data/response/notify/service. */
const FRAME_KEYS = ['data', 'response', 'notify', 'service', 'content'];
const randomJson = fc.jsonValue({ maxDepth: 4 })
  .filter((value) => typeof value !== 'object' || value === null || Array.isArray(value) || !FRAME_KEYS.some((k) => k in value))
  .map((value): WireFrame => ({ label: `random JSON ${json(value).slice(0, 60)}`, wire: json(value), expect: { kind: 'reject' } }));

/** Nesting as text (fc's recursion cannot go this deep): arrays `[[…]]` or objects `{"a":{"a":…}}`. */
export function nested(depth: number, kind: 'array' | 'object', core = '0'): string {
  return kind === 'array' ? `${'['.repeat(depth)}${core}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}${core}${'}'.repeat(depth)}`;
}

/** Deeply nested JSON where a frame, a block or an item should be: quarantined whatever the depth. */
const deepNesting = fc.tuple(fc.constantFrom(1_000, 50_000, 200_000), fc.constantFrom<'array' | 'object'>('array', 'object'), fc.constantFrom('frame', 'block', 'item'))
  .map(([depth, kind, where]): WireFrame => {
    const deep = nested(depth, kind);
    const wire = where === 'frame' ? deep
      : where === 'block' ? `{"data":[${deep}]}`
        : `{"data":[{"service":"LEVELONE_EQUITIES","content":[${nested(depth, 'array')}]}]}`;
    return { label: `${depth} nested ${kind}s as the ${where}`, wire, expect: { kind: 'reject' } };
  });

/** Text that is not JSON: truncated frames, a raw NUL, huge garbage, deep unclosed nesting, bytes that are not UTF-8. */
export function notJson(hugeBytes: number): fc.Arbitrary<WireFrame> {
  return fc.oneof(
    fc.constantFrom('{"data":[{"service":"LEVELONE_EQUITIES",', 'not json', '', ' ', '{"data":[{"service":"LEVELONE_EQUITIES","content":[{"key":"A\u0000"}]}]}', '\u0000', 'x\u0000y')
      .map((wire): WireFrame => ({ label: `text ${json(wire).slice(0, 60)}`, wire, expect: { kind: 'reject' } })),
    fc.constantFrom(hugeBytes >> 1, hugeBytes).map((size): WireFrame => ({ label: `${size} bytes of text`, wire: `{"data":${'x'.repeat(size)}`, expect: { kind: 'reject' } })),
    fc.constant<WireFrame>({ label: '200000 unclosed [', wire: '['.repeat(200_000), expect: { kind: 'reject' } }),
    fc.constant<WireFrame>({ label: 'invalid UTF-8 and a raw lone surrogate', wire: Buffer.from([0x7b, 0xff, 0xfe, 0xed, 0xa0, 0x80, 0x00]), expect: { kind: 'reject' } }),
  );
}

/** A huge string (or one with raw bytes that are not UTF-8) in a level-one text field: still a row. */
export function hugeField(hugeBytes: number): fc.Arbitrary<WireFrame> {
  return fc.oneof(
    fc.constantFrom(hugeBytes >> 1, hugeBytes).map((size): WireFrame => ({
      label: `description of ${size} characters`,
      wire: dataFrame('LEVELONE_EQUITIES', [itemText([['key', json(hostileKey('HX'))], ['15', json('d'.repeat(size))]])]),
      expect: { kind: 'rows', table: 'equity_quotes', count: 1 },
    })),
    fc.constant(null).map((): WireFrame => ({
      label: 'raw lone surrogate bytes in a description',
      wire: Buffer.concat([Buffer.from(dataFrame('LEVELONE_EQUITIES', [`{"key":${json(hostileKey('HX'))},"15":"`]).slice(0, -4)), Buffer.from([0xed, 0xa0, 0x80, 0xff]), Buffer.from('"}]}]}')]),
      expect: { kind: 'rows', table: 'equity_quotes', count: 1 },
    })),
  );
}

/** Names nobody subscribed to: made-up services, commands, codes and messages. Acks and notices make no rows. */
const wireName = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('\u0000', '\ud800', 'toString', '__proto__', 'x'.repeat(300)));
const unknownService = fc.tuple(wireName, wireName).map(([service, command]): WireFrame => ({
  label: `unknown service ${json(service)}`,
  wire: dataFrame(`ZZ_${service}`, ['{"key":"HXUNKNOWN","1":1}'], { timestamp: '1', command: json(command) }),
  expect: { kind: 'noop' },
}));
const CODES = ['0', '26', '28', '11', '19', '21', '22', '99', '-1', '1e400', '-0', '"x"', 'null', '9223372036854775808'];
const acks = fc.tuple(wireName, wireName, fc.constantFrom(...CODES), fc.oneof(wireName, fc.constant('bye \u0000 now')), fc.boolean())
  .map(([service, command, code, msg, notify]): WireFrame => {
    const item = `{"service":${json(service)},"command":${json(command)},"requestid":"hx-${hostileKeys++}","timestamp":1,"content":{"code":${code},"msg":${json(msg)}}}`;
    return { label: `${notify ? 'notify' : 'response'} ${service}/${command} code ${code}`, wire: `{"${notify ? 'notify' : 'response'}":[${item}]}`, expect: { kind: 'noop' } };
  });
const heartbeats = fc.constantFrom('{"notify":[{"heartbeat":"1715777956144"}]}', '{"notify":[{"heartbeat":null}]}', '{"notify":[]}', '{"response":[]}', '{"notify":[7,"x",null]}')
  .map((wire): WireFrame => ({ label: wire, wire, expect: { kind: 'noop' } }));

/** Every kind of hostile frame; `hugeBytes` sizes the huge strings (MBs for a replay, less over a socket). */
export function hostileFrame(hugeBytes: number): fc.Arbitrary<WireFrame> {
  return fc.oneof(
    randomJson, deepNesting, notJson(hugeBytes), hugeField(hugeBytes), levelOneWrongTypes, levelOneBadKey, chartBad,
    chartIgnoredWrong, activityBadType, activityWrongTypes, brokenStructure, blockWithoutHeader, unknownService, acks, heartbeats,
  ).map(printable);
}

// ---- recording lines

/** The line the recorder journals for a received frame (session.ts → format.ts wsLine): ws when it parses, else ws-text. */
export function journalLine(frame: WireFrame): HostileLine {
  const text = typeof frame.wire === 'string' ? frame.wire : frame.wire.toString('utf8');
  let parses = true;
  try {
    JSON.parse(text);
  } catch {
    parses = false;
  }
  return printable({
    label: frame.label,
    expect: frame.expect,
    text: (seq: number, ts: number) => (parses && !/[\n\r]/.test(text)
      ? `{"seq":${seq},"ts":${ts},"type":"ws","frame":${text}}`
      : json({ seq, ts, type: 'ws-text', text })),
  });
}

const line = (label: string, expect: Expectation, body: (seq: number, ts: number) => string): HostileLine => printable({ label, expect, text: body });

/** Event, rest and malformed lines a hand-made or damaged recording may hold. */
const otherLines = fc.oneof(
  fc.constantFrom<HostileLine>(
    line('server_notice with \\u0000 in its message', { kind: 'rows', table: 'stream_events', count: 1 },
      (seq, ts) => json({ seq, ts, type: 'event', event: 'server_notice', detail: { code: 30, msg: 'bye \u0000 now', service: 'ADMIN' } })),
    line('login with a NUL in a nested detail', { kind: 'rows', table: 'stream_events', count: 1 },
      (seq, ts) => json({ seq, ts, type: 'event', event: 'login', detail: { msg: ['\u0000', { deeper: 'a\u0000' }] } })),
    line('gap with a lone surrogate in its detail', { kind: 'accounted', table: 'stream_events' },
      (seq, ts) => json({ seq, ts, type: 'event', event: 'gap', detail: { msg: '\ud800' } })),
    line('server_notice with a service that is not text', { kind: 'rows', table: 'stream_events', count: 1 },
      (seq, ts) => json({ seq, ts, type: 'event', event: 'server_notice', detail: { service: { name: 1 }, code: '1e400' } })),
    line('login without a detail object', { kind: 'accounted', table: 'stream_events' },
      (seq, ts) => `{"seq":${seq},"ts":${ts},"type":"event","event":"login","detail":null}`),
    line('an event nobody stores', { kind: 'noop' }, (seq, ts) => json({ seq, ts, type: 'event', event: 'sent', detail: { request: '\u0000' } })),
    line('a ws line without a frame', { kind: 'reject' }, (seq, ts) => `{"seq":${seq},"ts":${ts},"type":"ws"}`),
    line('a ws-text line without text', { kind: 'reject' }, (seq, ts) => `{"seq":${seq},"ts":${ts},"type":"ws-text"}`),
    line('a ws-text line whose text is a number', { kind: 'reject' }, (seq, ts) => `{"seq":${seq},"ts":${ts},"type":"ws-text","text":1e400}`),
    line('a line of an unknown type', { kind: 'noop' }, (seq, ts) => json({ seq, ts, type: 'future-kind', payload: '\u0000' })),
    line('a failed REST call', { kind: 'noop' }, (seq, ts) => json({ seq, ts, type: 'rest', method: 'GET', path: '/marketdata/v1/quotes', status: 500, body: { x: '\u0000' } })),
    line('a REST body no decoder reads', { kind: 'noop' }, (seq, ts) => json({ seq, ts, type: 'rest', method: 'GET', path: '/trader/v1/not-a-resource', status: 200, body: ['\u0000', '\ud800'] })),
  ),
  fc.string({ maxLength: 20 }).filter((name) => !STORED_EVENT_NAMES.has(name))
    .map((name) => line(`unknown event ${json(name)}`, { kind: 'noop' }, (seq, ts) => json({ seq, ts, type: 'event', event: name, detail: { x: name } }))),
);

/** Events the line decoder stores (src/pipeline/line-decoder.ts STORED_EVENTS), and the resets: not "unknown". */
const STORED_EVENT_NAMES = new Set([
  'connected', 'disconnected', 'gap', 'login', 'login_denied', 'subscribed', 'subscription_refused', 'server_notice',
  'gave_up', 'simulated_feed', 'recording_started', 'stopped', 'suspended', 'resumed', 'rest_error',
]);

/** Any hostile recording line: a journaled hostile frame, or an event, REST or malformed line. */
export function hostileLine(hugeBytes: number): fc.Arbitrary<HostileLine> {
  return fc.oneof({ weight: 4, arbitrary: hostileFrame(hugeBytes).map(journalLine) }, { weight: 1, arbitrary: otherLines });
}

/** The frames issue 12 found fatal or stalling, as a live peer sends them: mixed into generated runs. */
export const ISSUE_FRAMES: readonly WireFrame[] = ([
  { label: '200000 nested arrays', wire: nested(200_000, 'array'), expect: { kind: 'reject' } },
  { label: 'text with a raw NUL', wire: '{"data":[\u0000', expect: { kind: 'reject' } },
  {
    label: 'CHART_EQUITY time in µs',
    wire: dataFrame('CHART_EQUITY', [itemText([...barFields('MSFT', 0), ['7', '1715903940000000']])]),
    expect: { kind: 'reject' },
  },
  // The session journals a server_notice event for it, with the message: the NUL must not stall the flush.
  { label: 'notify code 30 with \\u0000 in its message', wire: '{"notify":[{"service":"ADMIN","timestamp":1,"content":{"code":30,"msg":"bye \\u0000 now"}}]}', expect: { kind: 'noop' } },
] satisfies WireFrame[]).map(printable);
