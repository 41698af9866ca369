import { describe, expect, it } from 'vitest';
import { redactInboundFrame, redactOutboundRequest } from '../../src/capture/redact.js';
import { sampleLine, sampleLines } from '../support/samples.js';

const ACCOUNT = '12345678';

/** A sample line as Schwab sends it before its author masked it: a real-looking account number everywhere. */
function unmaskedLine(line: number): unknown {
  const text = JSON.stringify(sampleLine('stream-acct-activity.jsonl', line))
    .replaceAll('"1":"########"', `"1":"${ACCOUNT}"`)
    .replaceAll('\\"AccountNumber\\":\\"########\\"', `\\"AccountNumber\\":\\"${ACCOUNT}\\"`);
  expect(text).toContain(ACCOUNT);
  return JSON.parse(text);
}

type Item = Record<string, unknown>;
function itemsOf(frame: unknown): Item[] {
  const f = frame as { data?: { content: Item[] }[]; content?: Item[] };
  return f.data ? f.data.flatMap((b) => b.content) : f.content ?? [];
}

describe('redactInboundFrame', () => {
  it.each([1, 2, 3, 4, 5])('leaves no account number in acct-activity line %i', (line) => {
    const frame = unmaskedLine(line);
    const before = JSON.stringify(frame);
    const redacted = redactInboundFrame(frame);
    expect(JSON.stringify(redacted)).not.toContain(ACCOUNT);
    expect(JSON.stringify(frame)).toBe(before); // the input is not modified
    for (const item of itemsOf(redacted)) {
      expect(item['1']).toBe('...678');
      const data = JSON.parse(item['3'] as string) as Record<string, unknown>; // still a JSON string
      expect(data.AccountNumber).toBe('...678');
    }
  });

  it('changes nothing but the account numbers', () => {
    const redacted = redactInboundFrame(unmaskedLine(3));
    const expected = JSON.stringify(sampleLine('stream-acct-activity.jsonl', 3))
      .replaceAll('"1":"########"', '"1":"...678"')
      .replaceAll('\\"AccountNumber\\":\\"########\\"', '\\"AccountNumber\\":\\"...678\\"');
    expect(JSON.stringify(redacted)).toBe(expected);
  });

  it('returns every frame without ACCT_ACTIVITY as the same object', () => {
    const files = ['stream-levelone-equities.jsonl', 'stream-levelone-options.jsonl', 'stream-chart-equity.jsonl',
      'stream-login-response.jsonl', 'stream-subs-response.jsonl', 'stream-notify-heartbeat.jsonl'];
    for (const frame of files.flatMap(sampleLines)) expect(redactInboundFrame(frame)).toBe(frame);
    for (const odd of [null, 'text', 42, [], { data: 'x' }]) expect(redactInboundFrame(odd)).toBe(odd);
  });

  it('shares the other services\' blocks of a mixed frame instead of copying them', () => {
    const chart = (sampleLine('stream-chart-equity.jsonl', 2) as { data: unknown[] }).data[0];
    const acct = (unmaskedLine(4) as { data: unknown[] }).data[0];
    const redacted = redactInboundFrame({ data: [chart, acct] }) as { data: unknown[] };
    expect(redacted.data[0]).toBe(chart);
    expect(JSON.stringify(redacted)).not.toContain(ACCOUNT);
  });

  it('masks numeric and lower-case account numbers, and the account in a plain-text notice', () => {
    const frame = {
      data: [{
        service: 'ACCT_ACTIVITY', content: [
          { seq: 1, key: 'k', '1': 12345678, '2': 'X', '3': `{"accountNumber":${ACCOUNT},"SchwabOrderID":"1${ACCOUNT}9"}` },
          { seq: 2, key: 'k', '1': ACCOUNT, '2': '', '3': `Feature not supported for account ${ACCOUNT}.` },
        ],
      }],
    };
    const [first, second] = itemsOf(redactInboundFrame(frame));
    expect(first).toEqual({ seq: 1, key: 'k', '1': '...678', '2': 'X', '3': `{"accountNumber":"...678","SchwabOrderID":"1${ACCOUNT}9"}` });
    expect(second?.['3']).toBe('Feature not supported for account ...678.');
  });

  it('masks account numbers in other account keys and in free text of the message data (issue 12)', () => {
    const item = (data: string) => ({ seq: 1, key: 'k', '1': '46828469', '2': 'X', '3': data });
    const frame = {
      data: [{
        service: 'ACCT_ACTIVITY', content: [
          item('{"Acct":46828469,"SchwabOrderID":1004682846912}'),
          item('{"Note":"Order for account 46828469 filled","LegId":"46828469123"}'),
          item('{"ToAccount":"42815784","FromAccountIds":[42815785,"42815786"],"OrderAccount":"TDAAccount"}'),
          item('Transfer to acct# 42815784 done; order 123456789012 settled'),
        ],
      }],
    };
    expect(itemsOf(redactInboundFrame(frame)).map((i) => i['3'])).toEqual([
      '{"Acct":"...469","SchwabOrderID":1004682846912}',
      '{"Note":"Order for account ...469 filled","LegId":"46828469123"}',
      '{"ToAccount":"...784","FromAccountIds":["...785","...786"],"OrderAccount":"TDAAccount"}',
      'Transfer to acct# ...784 done; order 123456789012 settled',
    ]);
  });

  it('changes nothing but the account numbers of every real message, whatever digits its ids hold', () => {
    // The real capture with its masks replaced by digits: order and leg ids that hold the account's digits,
    // 8-digit venue and execution ids, dates in execution ids.
    const withDigits = (frame: unknown, account: string) => JSON.parse(JSON.stringify(frame)
      .replaceAll('#############', `10${ACCOUNT}567`)
      .replaceAll('"1":"########"', `"1":"${account}"`)
      .replaceAll('\\"AccountNumber\\":\\"########\\"', `\\"AccountNumber\\":\\"${account}\\"`)
      .replaceAll('########', '87654321')
      .replaceAll('#', '7')) as unknown;
    for (const frame of sampleLines('stream-acct-activity.jsonl')) {
      const input = withDigits(frame, ACCOUNT);
      expect(JSON.stringify(input)).toContain(`\\"AccountNumber\\":\\"${ACCOUNT}\\"`);
      expect(redactInboundFrame(input)).toEqual(withDigits(frame, '...678'));
    }
  });

  it('masks message data nested 200,000 levels deep, as text or replaced whole when sent parsed', () => {
    const deep = `${'['.repeat(200_000)}{"Acct":46828469}${']'.repeat(200_000)}`;
    const frame = (data: unknown) => ({ data: [{ service: 'ACCT_ACTIVITY', content: [{ seq: 1, key: 'k', '1': '46828469', '2': 'X', '3': data }] }] });
    const [asText] = itemsOf(redactInboundFrame(frame(deep)));
    expect(asText?.['3']).toBe(`${'['.repeat(200_000)}{"Acct":"...469"}${']'.repeat(200_000)}`);
    const [parsed] = itemsOf(redactInboundFrame(frame(JSON.parse(deep))));
    expect(parsed).toEqual({ seq: 1, key: 'k', '1': '...469', '2': 'X', '3': '[redacted: nested too deep to mask]' });
  });

  it('keeps the empty account of the SUBSCRIBED ack as it is', () => {
    const frame = { data: [{ service: 'ACCT_ACTIVITY', content: [{ seq: 0, key: 'k', '1': '', '2': 'SUBSCRIBED', '3': '' }] }] };
    expect(itemsOf(redactInboundFrame(frame))[0]).toEqual({ seq: 0, key: 'k', '1': '', '2': 'SUBSCRIBED', '3': '' });
  });
});

describe('redactOutboundRequest', () => {
  it('replaces the token of a LOGIN request and keeps everything else (Streamer Guide LOGIN + SUBS batch)', () => {
    const request = sampleLine('stream-doc-samples-streamer-guide.jsonl', 2) as { requests: Item[] };
    const redacted = redactOutboundRequest(request) as { requests: Item[] };
    expect(redacted.requests[0]?.parameters).toEqual({
      Authorization: '[redacted]', SchwabClientChannel: 'IO', SchwabClientFunctionId: 'Tradeticket',
    });
    expect(redacted.requests[1]).toBe(request.requests[1]);
    expect((request.requests[0]?.parameters as Item).Authorization).toBe('PN'); // the input is not modified
  });

  it('never lets the access token through', () => {
    const request = sampleLine('stream-doc-samples-streamer-guide.jsonl', 6);
    expect(JSON.stringify(redactOutboundRequest(request))).not.toContain('Access Token');
    const bare = { service: 'ADMIN', command: 'LOGIN', parameters: { Authorization: 'I0.secret' } };
    expect(JSON.stringify(redactOutboundRequest(bare))).not.toContain('I0.secret');
  });

  it('returns requests without a token as the same object', () => {
    for (const line of [1, 10, 12]) {
      const request = sampleLine('stream-doc-samples-streamer-guide.jsonl', line);
      expect(redactOutboundRequest(request)).toBe(request);
    }
  });
});
