import { describe, expect, it } from 'vitest';
import { bclDecimal, decodeAccountActivity, easternWallClock } from '../../src/decode/account-activity.js';
import { namedRow, type NamedRow } from '../../src/decode/tables.js';
import { sampleLines } from '../support/samples.js';

const RECEIVED_AT = 1765307505100;

/** Every ACCT_ACTIVITY item of the samples (line 2 has no data envelope). */
function activityItems(): Record<string, unknown>[] {
  return sampleLines('stream-acct-activity.jsonl').flatMap((frame) => {
    const f = frame as { data?: { content: Record<string, unknown>[] }[]; content?: Record<string, unknown>[] };
    return f.data ? f.data.flatMap((block) => block.content) : f.content ?? [];
  });
}

function rowOf(item: Record<string, unknown>): NamedRow {
  const outcome = decodeAccountActivity(item, RECEIVED_AT);
  if (!outcome.ok) throw new Error(outcome.reason);
  return namedRow('account_activity', outcome.row);
}

/** A sample item as Schwab sends it before anyone masks it: real-looking account and order numbers. */
function unmasked(item: Record<string, unknown>): Record<string, unknown> {
  const data = (item['3'] as string).replaceAll('"########"', '"12345678"').replaceAll('#############', '1004961234567');
  return { ...item, '1': '12345678', '3': data };
}

describe('decodeAccountActivity', () => {
  it('decodes the OrderCreated message of the real capture (line 1, seq 1)', () => {
    const item = activityItems()[0]!;
    // Every AccountNumber is shown as its last three characters, even the author's mask.
    const data = (item['3'] as string).replaceAll('"AccountNumber":"########"', '"AccountNumber":"...###"');
    expect(rowOf(item)).toStrictEqual({
      received_at: RECEIVED_AT, subscription_key: 'Account Activity', activity_seq: 1, account_display: '...###',
      message_type: 'OrderCreated', schwab_order_id: null, message_data: JSON.parse(data), message_text: null,
      seq: null, // the buffers stamp the recording line
      sent_at: null, // the stream decoder stamps the data block's timestamp
    });
  });

  it('decodes every sample message with its type, seq and parsed data', () => {
    const rows = activityItems().map(rowOf);
    expect(rows.map((r) => [r.activity_seq, r.message_type])).toEqual([
      [1, 'OrderCreated'], [2, 'OrderAccepted'], [3, 'ExecutionRequested'], [4, 'ExecutionRequestCreated'],
      [5, 'ExecutionRequestCompleted'], [6, 'OrderFillCompleted'], [6, 'CancelAccepted'], [7, 'ExecutionRequested'],
      [8, 'ExecutionRequestCompleted'], [9, 'ExecutionCreated'], [10, 'OrderUROutCompleted'],
    ]);
    for (const row of rows) {
      expect(row).toMatchObject({ subscription_key: 'Account Activity', account_display: '...###', message_text: null });
      expect((row.message_data as { BaseEvent: { EventType: string } }).BaseEvent.EventType).toBe(row.message_type);
    }
  });

  it('takes the order id from SchwabOrderID when it is all digits, and never keeps the account number', () => {
    const row = rowOf(unmasked(activityItems()[1]!));
    expect(row).toMatchObject({ account_display: '...678', schwab_order_id: 1004961234567 });
    expect((row.message_data as Record<string, unknown>).AccountNumber).toBe('...678');
    expect(JSON.stringify(row)).not.toContain('12345678');
  });

  it('masks the account number in nested AccountInfo of an OrderCreated message too', () => {
    const row = rowOf(unmasked(activityItems()[0]!));
    expect(JSON.stringify(row)).not.toContain('12345678');
    expect(JSON.stringify(row.message_data)).toContain('"AccountInfo":{"AccountNumber":"...678"');
  });

  it('keeps the SUBSCRIBED ack with an empty account and empty data', () => {
    const row = rowOf({ seq: 0, key: 'Account Activity', '1': '', '2': 'SUBSCRIBED', '3': '' });
    expect(row).toMatchObject({ activity_seq: 0, account_display: null, message_type: 'SUBSCRIBED', message_data: null, message_text: '' });
  });

  it('keeps a plain-text notice as text with an empty type', () => {
    const row = rowOf({ seq: 3, key: 'k', '1': '12345678', '2': '', '3': 'Feature not supported for 12345678' });
    expect(row).toMatchObject({ message_type: '', message_data: null, message_text: 'Feature not supported for ...678', schwab_order_id: null });
  });

  it('rejects a message without a type, and reports fields it does not know', () => {
    expect(decodeAccountActivity({ seq: 1, key: 'k', '1': '', '3': '' }, 1)).toEqual({ ok: false, reason: 'message has no type (field 2)' });
    expect(decodeAccountActivity({ seq: 1, key: 'k', '1': '', '2': 'X', '4': 1 }, 1)).toMatchObject({ ok: true, unknownFields: ['4'] });
  });
});

describe('bclDecimal', () => {
  it.each([
    [{ lo: '213409100', signScale: 12 }, 213.4091],
    [{ lo: '1000000', signScale: 12 }, 1],
    [{ lo: '220470000', signScale: 13 }, -220.47],
    [{ signScale: 12 }, 0],
    [{ lo: '200' }, 200],
    [{ lo: '10900', signScale: 12 }, 0.0109],
    [{ lo: 5, signScale: 4 }, 0.05],
    [{ lo: '12345678901234567890', signScale: 20 }, Number('1234567890.1234567890')],
  ])('reads %j as %d', (value, expected) => {
    expect(bclDecimal(value)).toBe(expected);
  });

  it.each([[{}], [null], ['1.5'], [{ lo: 'abc', signScale: 12 }], [{ lo: '1', signScale: 1.5 }], [{ lo: '-5' }]])(
    'reads %j as absent', (value) => {
      expect(bclDecimal(value)).toBeNull();
    });

  it('reads the fill price of the real OrderFillCompleted message', () => {
    const fill = activityItems().find((i) => i['2'] === 'OrderFillCompleted')!;
    const data = JSON.parse(fill['3'] as string) as {
      BaseEvent: { OrderFillCompletedEventOrderLegQuantityInfo: { QuantityInfo: Record<string, unknown> } };
    };
    const quantity = data.BaseEvent.OrderFillCompletedEventOrderLegQuantityInfo.QuantityInfo;
    expect(bclDecimal(quantity.AveragePrice)).toBe(213.4091);
    expect(bclDecimal(quantity.CumulativeQuantity)).toBe(1);
    expect(bclDecimal(quantity.LeavesQuantity)).toBe(0);
  });
});

describe('easternWallClock', () => {
  it('reads a DateTimeString as New York wall time, in winter and in summer', () => {
    expect(easternWallClock('2025-12-09 14:11:00.000')).toBe(Date.parse('2025-12-09T19:11:00.000Z'));
    expect(easternWallClock('2025-03-20 13:43:45.620')).toBe(Date.parse('2025-03-20T17:43:45.620Z'));
  });

  it('accepts the two-digit fraction and the bare date Schwab also sends', () => {
    expect(easternWallClock('2025-12-09 14:11:00.00')).toBe(Date.parse('2025-12-09T19:11:00.000Z'));
    expect(easternWallClock('2025-12-09')).toBe(Date.parse('2025-12-09T05:00:00.000Z'));
  });

  it.each(['', '2025-13-09 14:11:00.000', '2025-12-09 25:00:00', 'yesterday', '2025-12-09T14:11:00Z'])(
    'gives null for %j', (text) => {
      expect(easternWallClock(text)).toBeNull();
    });
});
