// Label values that come out of data reach /metrics only from closed lists, whichever code increments the metric:
// the pipeline's counters as much as the streamer's.
import { describe, expect, it } from 'vitest';
import { decodeUnknown, registry, rowsRejected, streamReconnects } from '../../src/metrics/registry.js';

describe('metric labels from closed lists', () => {
  it('counts an unknown table, service or reconnect reason as other, and known ones by name', async () => {
    for (let i = 0; i < 1000; i += 1) {
      rowsRejected.inc({ table: `made_up_${i}`, reason: 'decode' });
      decodeUnknown.inc({ service: `MADE_UP_${i}`, kind: 'service' });
      streamReconnects.inc({ reason: `made_up_${i}` });
    }
    rowsRejected.inc({ table: 'equity_quotes', reason: 'decode' });
    decodeUnknown.inc({ service: 'LEVELONE_FUTURES', kind: 'service' });
    streamReconnects.inc({ reason: 'heartbeat_timeout' });
    const text = await registry.metrics();
    expect(text).not.toMatch(/made_up/i);
    expect(text).toContain('recorder_rows_rejected_total{table="other",reason="decode"} 1000');
    expect(text).toContain('recorder_rows_rejected_total{table="equity_quotes",reason="decode"} 1');
    expect(text).toContain('recorder_decode_unknown_total{service="other",kind="service"} 1000');
    expect(text).toContain('recorder_decode_unknown_total{service="LEVELONE_FUTURES",kind="service"} 1');
    expect(text).toContain('schwab_stream_reconnects_total{reason="other"} 1000');
    expect(text).toContain('schwab_stream_reconnects_total{reason="heartbeat_timeout"} 1');
  });
});
