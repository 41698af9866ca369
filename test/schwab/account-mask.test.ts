import { describe, expect, it } from 'vitest';
import { decodeAccountActivity } from '../../src/decode/account-activity.js';
import { namedRow, type NamedRow } from '../../src/decode/tables.js';
import { maskAccountNumbersInText } from '../../src/schwab/account-mask.js';

const ACCOUNT = '46828469';

function rowOf(data: unknown): NamedRow {
  const outcome = decodeAccountActivity({ seq: 1, key: 'k', '1': ACCOUNT, '2': 'OrderFillCompleted', '3': data }, 1);
  if (!outcome.ok) throw new Error(outcome.reason);
  return namedRow('account_activity', outcome.row);
}

describe('maskAccountNumbersInText', () => {
  it('masks 8+ digit runs under keys that name an account, and leaves their other values', () => {
    expect(maskAccountNumbersInText('{"acctId":"x 12345678 y","Account":{"Id":"12345678"},"AccountCount":3,"AccountingRuleCode":"Margin","OrderAccount":"TDAAccount"}'))
      .toBe('{"acctId":"x ...678 y","Account":{"Id":"12345678"},"AccountCount":3,"AccountingRuleCode":"Margin","OrderAccount":"TDAAccount"}');
  });

  it('masks the item\'s own account wherever it stands as a whole digit run, and nothing that only contains it', () => {
    expect(maskAccountNumbersInText(`{"Legs":[${ACCOUNT},"${ACCOUNT}-2","1${ACCOUNT}"],"${ACCOUNT}":1.5}`, ACCOUNT))
      .toBe('{"Legs":["...469","...469-2","146828469"],"...469":1.5}');
  });

  it('masks an 8+ digit run right after the word account or acct in free text', () => {
    expect(maskAccountNumbersInText('account number 12345678; Acct# 23456789; accounts: 34567890; account 1234567; order 45678901'))
      .toBe('account number ...678; Acct# ...789; accounts: ...890; account 1234567; order 45678901');
  });

  it('leaves JSON escapes whole and JSON valid', () => {
    const text = '{"Acct":"\\u0031\\u00322345678 \\\\12345678","n":-12345678.5e3}';
    const masked = maskAccountNumbersInText(text, '12345678');
    expect(masked).toBe('{"Acct":"\\u0031\\u00322345678 \\\\...678","n":-12345678.5e3}');
    expect(() => JSON.parse(masked) as unknown).not.toThrow();
  });

  it('is idempotent', () => {
    const once = maskAccountNumbersInText(`{"AccountNumber":"${ACCOUNT}","ToAccount":42815784,"Note":"for account ${ACCOUNT}"}`, ACCOUNT);
    expect(once).toBe('{"AccountNumber":"...469","ToAccount":"...784","Note":"for account ...469"}');
    expect(maskAccountNumbersInText(once, ACCOUNT)).toBe(once);
  });
});

describe('account_activity rows', () => {
  it('hold no account number from other keys or free text of the message data (issue 12)', () => {
    expect(rowOf('{"Acct":46828469,"SchwabOrderID":1004682846912}')).toMatchObject({
      account_display: '...469', schwab_order_id: 1004682846912, message_data: { Acct: '...469', SchwabOrderID: 1004682846912 },
    });
    expect(rowOf('{"ToAccount":"42815784"}').message_data).toEqual({ ToAccount: '...784' });
    expect(rowOf('Order for account 46828469 filled').message_text).toBe('Order for account ...469 filled');
    expect(rowOf({ Note: 'Order for account 46828469 filled' }).message_data).toEqual({ Note: 'Order for account ...469 filled' });
  });

  it('take message data sent parsed and nested 200,000 levels deep as a marker text', () => {
    const deep = JSON.parse(`${'['.repeat(200_000)}{"Acct":46828469}${']'.repeat(200_000)}`) as unknown;
    expect(rowOf(deep)).toMatchObject({ message_data: null, message_text: '[redacted: nested too deep to mask]' });
  });
});
